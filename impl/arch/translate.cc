// Transaction flow of the engine [IHI0070 §3.3, §3.4, §5.2, §5.4, §7.3]: configuration lookup
// through the decoded-configuration cache, substream selection, then the IOTLB, walking only on
// a miss. Configuration-phase faults come in the architectural priority order (R-TXN-001):
// C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE, C_BAD_SUBSTREAMID, F_STREAM_DISABLED, stage-2 faults on
// the CD fetch, F_CD_FETCH, C_BAD_CD, then the walks (walk.cc).
// Tests: tests/conformance/device_test.cc, corpus/vectors/**/*.vec
#include <algorithm>

#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {

using spec::EventType;
using spec::FaultClass;
using spec::Reg;
using spec::TxnOutcome;

namespace {

constexpr uint64_t kIpaRecordMask = layout::event::kIPA.mask;
constexpr uint64_t kFetchRecordMask = layout::event::kFetchAddr.mask;
constexpr uint64_t kStrtabAddrMask = layout::regs::kStrtabAddr;

bool IsTranslationFault(EventType t) {
  return t == EventType::F_TRANSLATION || t == EventType::F_ADDR_SIZE ||
         t == EventType::F_ACCESS || t == EventType::F_PERMISSION;
}

bool IsFetchFault(EventType t) {
  return t == EventType::F_STE_FETCH || t == EventType::F_CD_FETCH ||
         t == EventType::F_WALK_EABT;
}

// The event record of a fault (R-FAULT-004..008) [IHI0070 §7.3].
spec::EventRecord MakeRecord(const spec::Txn& txn, Engine::Access acc, const Engine::Fault& f) {
  spec::EventRecord e;
  e.type = f.type;
  e.sid = txn.sid;
  if (f.type == EventType::C_BAD_SUBSTREAMID) {
    e.ssid = txn.ssid;  // no SSV: the SubstreamID is always valid
  } else if (f.type != EventType::F_STREAM_DISABLED) {  // which has StreamID only
    e.ssv = txn.ssv;
    e.ssid = txn.ssv ? txn.ssid : 0;
  }
  const bool translation = IsTranslationFault(f.type);
  if (translation || f.type == EventType::F_WALK_EABT) {
    // Only these records have InputAddr (raw, top byte included); in the others it is RES0.
    e.input_addr = txn.addr;
    e.rnw = !acc.write;
    e.ind = acc.instr && !acc.write;
    e.pnu = acc.priv;
    e.cls = f.cls;
    e.s2 = f.s2;
  }
  if (translation) {
    if (f.s2) e.ipa = f.ipa & kIpaRecordMask;
    e.ttrnw = f.type == EventType::F_PERMISSION && f.cls == FaultClass::TT && f.ttrnw;
  }
  if (IsFetchFault(f.type)) e.fetch_addr = f.fetch_addr & kFetchRecordMask;
  return e;
}

// R-FAULT-001..003: translation faults follow the stage's A/R; everything else aborts and
// records; silent terminations record nothing.
TxnOutcome FaultOutcome(const spec::Txn& txn, Engine::Access acc, const Engine::Fault& f,
                        bool abort, bool record) {
  TxnOutcome o;
  o.rule = f.rule;
  o.kind = TxnOutcome::Kind::kAbort;
  if (f.silent) return o;
  if (IsTranslationFault(f.type)) {
    if (!abort) o.kind = TxnOutcome::Kind::kRazWi;
    if (record) o.event = MakeRecord(txn, acc, f);
    return o;
  }
  o.event = MakeRecord(txn, acc, f);
  return o;
}

TxnOutcome Ok(uint64_t pa) {
  TxnOutcome o;
  o.kind = TxnOutcome::Kind::kOk;
  o.pa = pa;
  return o;
}

Engine::Fault ConfigFault(EventType type, const char* rule) {
  Engine::Fault f;
  f.type = type;
  f.rule = rule;
  return f;
}

Engine::Fault Silent(const char* rule) {
  Engine::Fault f = ConfigFault(EventType::F_UUT, rule);
  f.silent = true;
  return f;
}

Engine::Fault BadStreamId(bool record, const char* rule) {
  Engine::Fault f = ConfigFault(EventType::C_BAD_STREAMID, rule);
  f.silent = !record;  // R-STRTAB-002
  return f;
}

Engine::Fault FetchAbort(EventType type, uint64_t pa, const char* rule) {
  Engine::Fault f = ConfigFault(type, rule);
  f.fetch_addr = pa;
  return f;
}

}  // namespace

TxnOutcome Engine::Translate(const spec::Txn& txn) {
  if (!regs_.SmmuEnabled()) {
    // R-TXN-016: SMMUEN=0 bypasses, or aborts silently with GBPA.ABORT or beyond the OAS.
    if ((regs_.Read(Reg::GBPA) & regbits::kGbpaAbort) ||
        ExceedsBits<uint64_t>(txn.addr, profile_.oas)) {
      return FaultOutcome(txn, Access{}, Silent("R-TXN-016"), true, false);
    }
    return Ok(txn.addr);
  }
  return TranslateEnabled(txn);
}

TxnOutcome Engine::TranslateEnabled(const spec::Txn& txn) {
  const uint32_t ssid_tag = txn.ssv ? (txn.ssid | 0x80000000u) : 0;
  if (const MicroEntry* m = micro_.Lookup(txn.sid, ssid_tag, txn.addr)) {
    // Same overrides as below; a denied access takes the full path to find its fault.
    const bool priv = m->privcfg >= 2 ? m->privcfg == 3 : txn.priv;
    const bool instr = (m->instcfg >= 2 && !txn.write) ? m->instcfg == 3 : txn.instr;
    if (m->perms & AccessBit<uint64_t>(txn.write, instr, priv)) {
      ++stats_.micro_hits;
      return Ok(m->pa_page | (txn.addr & 0xfff));
    }
  }
  const Access incoming{txn.write, txn.instr && !txn.write, txn.priv};
  Fault f;
  const SteConfig* ste = FindSte(txn.sid, &f);
  if (ste == nullptr) return FaultOutcome(txn, incoming, f, true, true);
  // R-TXN-017 / R-STE-002: Config 0b0xx aborts without an event.
  if (ste->abort) return FaultOutcome(txn, incoming, Silent("R-STE-002"), true, false);
  Access acc = incoming;
  // R-TXN-002 / R-TXN-003: PRIVCFG and INSTCFG overrides (decoded only with ATTR_PERMS_OVR).
  if (ste->privcfg >= 2) acc.priv = ste->privcfg == 3;
  if (ste->instcfg >= 2 && !txn.write) acc.instr = ste->instcfg == 3;

  if (!ste->s1) {
    // R-TXN-006: a SubstreamID with stage 1 disabled.
    if (txn.ssv) {
      return FaultOutcome(txn, acc, ConfigFault(EventType::C_BAD_SUBSTREAMID, "R-TXN-006"),
                          true, true);
    }
    if (ste->s2) return Stage1Bypass(txn, *ste, acc);
    // R-TXN-007: both stages bypassed; the address must fit the OAS.
    if (ExceedsBits<uint64_t>(txn.addr, profile_.oas)) {
      return FaultOutcome(txn, acc, ConfigFault(EventType::F_ADDR_SIZE, "R-TXN-007"), true, true);
    }
    return Ok(txn.addr);
  }
  const bool substreams = profile_.ssidsize != 0 && ste->s1cdmax != 0;
  if (txn.ssv) {
    // R-TXN-010: no substreams, or a SubstreamID beyond S1CDMax.
    if (!substreams || (uint64_t{txn.ssid} >> ste->s1cdmax) != 0) {
      return FaultOutcome(txn, acc, ConfigFault(EventType::C_BAD_SUBSTREAMID, "R-TXN-010"),
                          true, true);
    }
    // R-TXN-011: S1DSS=0b10 reserves SubstreamID 0.
    if (txn.ssid == 0 && ste->s1dss == 2) {
      return FaultOutcome(txn, acc, ConfigFault(EventType::F_STREAM_DISABLED, "R-TXN-011"),
                          true, true);
    }
    return TranslateStage1(txn, *ste, acc, txn.ssid);
  }
  // R-TXN-012: without a SubstreamID, S1DSS terminates, bypasses stage 1 or uses CD[0].
  if (substreams && ste->s1dss == 1) return Stage1Bypass(txn, *ste, acc);
  // Mutant 9: S1DSS=0b10 (substream0) treated as terminate.
  if (substreams && (ste->s1dss == 0 || (SMMUREF_MUTANT(9) && ste->s1dss == 2))) {
    return FaultOutcome(txn, acc, ConfigFault(EventType::F_STREAM_DISABLED, "R-TXN-012"), true,
                        true);
  }
  return TranslateStage1(txn, *ste, acc, 0);
}

TxnOutcome Engine::Stage1Bypass(const spec::Txn& txn, const SteConfig& ste, Access acc) {
  // R-TXN-005: stage 1 bypassed checks the input against the IAS.
  if (ExceedsBits<uint64_t>(txn.addr, profile_.ias())) {
    return FaultOutcome(txn, acc, ConfigFault(EventType::F_ADDR_SIZE, "R-TXN-005"), true, true);
  }
  // R-TXN-004: with stage 2 bypassed as well the IPA is the PA, truncated to the OAS.
  if (!ste.s2) return Ok(txn.addr & LowMask<uint64_t>(profile_.oas));
  TlbEntry e;
  Fault f;
  if (!ResolveS2(ste, txn.addr, FaultClass::IN, &e, &f)) {
    return FaultOutcome(txn, acc, f, true, ste.s2cfg.record);
  }
  return CheckEntry(txn, ste, nullptr, acc, e);
}

TxnOutcome Engine::TranslateStage1(const spec::Txn& txn, const SteConfig& ste, Access acc,
                                   uint32_t cd_index) {
  Fault f;
  const CdConfig* cd = FindCd(txn.sid, ste, cd_index, &f);
  if (cd == nullptr) return FaultOutcome(txn, acc, f, true, f.s2 ? ste.s2cfg.record : true);
  const uint64_t va = txn.addr;
  // R-WALK-001: VA[55] selects the half; NS-EL2 has TTB0 only.
  const unsigned which = ste.world == World::kEl2 ? 0 : static_cast<unsigned>((va >> 55) & 1);
  const HalfConfig& h = cd->half[which];
  Fault s1;
  s1.cls = FaultClass::IN;
  // R-WALK-003: a disabled half faults without a walk.
  if (!h.enabled) {
    s1.rule = "R-WALK-003";
    return FaultOutcome(txn, acc, s1, cd->a, cd->r);
  }
  // R-WALK-002: VA[AddrTop:IA] must equal the half's sign; AddrTop is 55 with TBI.
  // Mutant 5: TBI ignored: the top byte takes part in the input range check.
  const uint64_t tbi = h.tbi && !SMMUREF_MUTANT(5);
  if (!InputInRange<uint64_t>(va, h.ia_bits, tbi, which)) {
    s1.rule = "R-WALK-002";
    return FaultOutcome(txn, acc, s1, cd->a, cd->r);
  }
  const Regime regime = ste.s2 ? Regime::kNested
                        : ste.world == World::kEl1 ? Regime::kS1El1
                        : ste.world == World::kEl2 ? Regime::kS1El2 : Regime::kS1El2E2h;
  const TlbTag tag{regime, ste.vmid, cd->asid, h.sig, ste.s2 ? ste.s2cfg.sig : 0};
  // Mutant 12: IOTLB lookups ignore the ASID of non-global entries.
  if (const TlbEntry* hit = tlb_.Lookup(tag, va, /*any_asid=*/SMMUREF_MUTANT(12))) {
    ++stats_.tlb_hits;
    return CheckEntry(txn, ste, cd, acc, *hit);
  }
  ++stats_.tlb_misses;
  TlbEntry leaf;
  if (!WalkS1(ste, *cd, which, va, &leaf, &f)) {
    if (SMMUREF_MUTANT(6) && f.type == EventType::F_ACCESS && !f.s2 &&
        !(leaf.s1_perms & AccessBit<uint64_t>(acc.write, acc.instr, acc.priv))) {
      // Mutant 6: fault priority: permission checked before the access flag (WalkS1 leaves the
      // leaf's stage-1 permissions in `leaf` with an Access flag fault).
      return CheckEntry(txn, ste, cd, acc, leaf);
    }
    // R-TXN-015: stage-1 faults follow CD.A/R, stage-2 faults of the walk STE.S2R.
    return f.s2 ? FaultOutcome(txn, acc, f, true, ste.s2cfg.record)
                : FaultOutcome(txn, acc, f, cd->a, cd->r);
  }
  leaf.regime = regime;
  if (ste.s2) {
    // Stage-1 permissions come before the stage-2 translation of the output IPA [§7.3.22].
    const uint64_t bit = AccessBit<uint64_t>(acc.write, acc.instr, acc.priv);
    if (!(leaf.s1_perms & bit)) return CheckEntry(txn, ste, cd, acc, leaf);
    const uint64_t ipa = leaf.out | (va & LowMask<uint64_t>(leaf.shift));
    TlbEntry s2;
    if (!ResolveS2(ste, ipa, FaultClass::IN, &s2, &f)) {
      return FaultOutcome(txn, acc, f, true, ste.s2cfg.record);
    }
    const uint64_t shift = std::min(leaf.shift, s2.shift);
    const uint64_t pa = s2.out | (ipa & LowMask<uint64_t>(s2.shift));
    leaf.shift = static_cast<uint8_t>(shift);
    leaf.page = (va & Iotlb::kInputMask) >> shift;
    leaf.ipa = ipa & ~LowMask<uint64_t>(shift);
    leaf.out = pa & ~LowMask<uint64_t>(shift);
    leaf.s2_perms = s2.s2_perms;
    leaf.s2_device = s2.s2_device;
    leaf.sig2 = ste.s2cfg.sig;
  }
  tlb_.Insert(leaf);
  return CheckEntry(txn, ste, cd, acc, leaf);
}

TxnOutcome Engine::CheckEntry(const spec::Txn& txn, const SteConfig& ste, const CdConfig* cd,
                              Access acc, const TlbEntry& e) {
  const uint64_t bit = AccessBit<uint64_t>(acc.write, acc.instr, acc.priv);
  const uint64_t low = txn.addr & LowMask<uint64_t>(e.shift);
  if ((e.s1_perms & bit) && (e.s2_perms & bit)) {
    MicroEntry m;
    m.va_page = txn.addr >> 12;
    m.pa_page = (e.out | low) & ~uint64_t{0xfff};
    m.sid = txn.sid;
    m.ssid_tag = txn.ssv ? (txn.ssid | 0x80000000u) : 0;
    m.perms = static_cast<uint8_t>(e.s1_perms & e.s2_perms);
    m.privcfg = ste.privcfg;
    m.instcfg = ste.instcfg;
    micro_.Insert(m);
    return Ok(e.out | low);
  }
  Fault f;
  f.type = EventType::F_PERMISSION;
  f.cls = FaultClass::IN;
  if (!(e.s1_perms & bit)) {
    // R-PERM-001..009 at stage 1, following CD.A/R.
    f.rule = "R-PERM-001";
    return FaultOutcome(txn, acc, f, cd->a, cd->r);
  }
  // R-PERM-011..013 at stage 2 (IPA = the final IPA), following STE.S2R.
  f.rule = "R-PERM-011";
  f.s2 = true;
  f.ipa = e.ipa | low;
  return FaultOutcome(txn, acc, f, true, ste.s2cfg.record);
}

bool Engine::LocateSte(uint32_t sid, uint64_t* ste_pa, Fault* fault) {
  const uint64_t base = regs_.Read(Reg::STRTAB_BASE) & kStrtabAddrMask;
  const uint64_t cfg = regs_.Read(Reg::STRTAB_BASE_CFG);
  const unsigned log2size = static_cast<unsigned>(cfg & layout::regs::kStrtabLog2Size);
  // Mutant 14: C_BAD_STREAMID recorded even with CR2.RECINVSID=0.
  const bool record = (regs_.Read(Reg::CR2) & regbits::kRecInvSid) != 0 || SMMUREF_MUTANT(14);
  // R-STRTAB-001: StreamIDs beyond 2^MIN(LOG2SIZE, SIDSIZE).
  const unsigned eff = std::min(log2size, profile_.sidsize);
  if (eff < 32 && (uint64_t{sid} >> eff) != 0) {
    *fault = BadStreamId(record, "R-STRTAB-001");
    return false;
  }
  // R-STRTAB-003: anything but FMT=0b01 on a 2-level-capable SMMU is linear.
  if (profile_.st_level == 0 ||
      FieldGet<uint64_t>(cfg, layout::regs::kStrtabFmt) != layout::regs::kStrtabFmt2Lvl) {
    // R-STRTAB-004: aligned to the literal table size. R-STRTAB-011: an address at or above the
    // OAS is truncated to it (this engine's choice of C-STRTAB-001).
    *ste_pa = ((base & ~LowMask<uint64_t>(std::min(log2size + 6u, 64u))) + uint64_t{sid} * 64) &
              LowMask<uint64_t>(profile_.oas);
    return true;
  }
  unsigned split = static_cast<unsigned>(FieldGet<uint64_t>(cfg, layout::regs::kStrtabSplit));
  if (split != 6 && split != 8 && split != 10) split = 6;  // R-STRTAB-005
  // R-STRTAB-006: L1 array aligned to MAX(64, its size).
  const unsigned l1_log2 = std::max(6u, (log2size > split ? log2size - split : 0) + 3);
  const uint64_t l1_pa =
      ((base & ~LowMask<uint64_t>(std::min(l1_log2, 64u))) + uint64_t{sid >> split} * 8) &
      LowMask<uint64_t>(profile_.oas);
  uint64_t l1 = 0;
  if (!mem_.Read(l1_pa, 1, &l1)) {
    *fault = FetchAbort(EventType::F_STE_FETCH, l1_pa, "R-STRTAB-007");
    return false;
  }
  const unsigned span = static_cast<unsigned>(l1 & layout::l1std::kSpan);
  // R-STRTAB-008 / R-STRTAB-009: invalid span, or a StreamID beyond the level-2 array.
  if (span == 0 || span > 11 || span > split + 1) {
    *fault = BadStreamId(record, "R-STRTAB-008");
    return false;
  }
  const uint64_t low = sid & LowMask<uint64_t>(split);
  if ((low >> (span - 1)) != 0) {
    *fault = BadStreamId(record, "R-STRTAB-009");
    return false;
  }
  // R-STRTAB-010: L2Ptr aligned to the level-2 array.
  *ste_pa = ((l1 & layout::l1std::kL2Ptr & ~LowMask<uint64_t>(span + 5)) + low * 64) &
            LowMask<uint64_t>(profile_.oas);
  return true;
}

const SteConfig* Engine::FindSte(uint32_t sid, Fault* fault) {
  if (const SteConfig* c = cfg_.FindSte(sid)) {
    ++stats_.ste_hits;
    return c;
  }
  ++stats_.ste_misses;
  uint64_t ste_pa = 0;
  if (!LocateSte(sid, &ste_pa, fault)) return nullptr;
  uint64_t raw[8];
  if (!mem_.Read(ste_pa, 8, raw)) {
    *fault = FetchAbort(EventType::F_STE_FETCH, ste_pa, "R-STRTAB-007");
    return nullptr;
  }
  SteConfig decoded;
  const char* rule = "";
  if (DecodeSte(raw, profile_, (regs_.Read(Reg::CR2) & regbits::kE2h) != 0, &decoded, &rule) !=
      DecodeStatus::kOk) {
    *fault = ConfigFault(EventType::C_BAD_STE, rule);  // R-STE-001, R-STE-003..022
    return nullptr;
  }
  return cfg_.InsertSte(sid, decoded);
}

bool Engine::FetchCdStructure(const SteConfig& ste, uint64_t addr, unsigned dwords,
                              uint64_t* out, Fault* fault) {
  uint64_t pa = addr;
  // R-TXN-008: with stage 2, L1CD and CD addresses are IPAs (CLASS=CD).
  if (ste.s2 && !TranslateTableAccess(ste, addr, FaultClass::CD, &pa, fault)) return false;
  if (!mem_.Read(pa, dwords, out)) {
    *fault = FetchAbort(EventType::F_CD_FETCH, pa, "R-TXN-009");  // R-TXN-009
    return false;
  }
  return true;
}

const CdConfig* Engine::FindCd(uint32_t sid, const SteConfig& ste, uint32_t index,
                               Fault* fault) {
  if (const CdConfig* c = cfg_.FindCd(sid, index)) {
    ++stats_.cd_hits;
    return c;
  }
  ++stats_.cd_misses;
  const CdLocation loc = LocateCd(ste, index);
  uint64_t cd_addr = loc.addr;
  if (loc.two_level) {
    uint64_t l1cd = 0;
    if (!FetchCdStructure(ste, loc.addr, 1, &l1cd, fault)) return nullptr;
    // R-TXN-013: an invalid (or out-of-range) L1CD.
    if (!CdFromL1Cd(l1cd, ste, index, &cd_addr)) {
      *fault = ConfigFault(EventType::C_BAD_SUBSTREAMID, "R-TXN-013");
      return nullptr;
    }
  }
  uint64_t raw[8];
  if (!FetchCdStructure(ste, cd_addr, 8, raw, fault)) return nullptr;
  CdConfig decoded;
  const char* rule = "";
  if (DecodeCd(raw, profile_, ste, &decoded, &rule) != DecodeStatus::kOk) {
    *fault = ConfigFault(EventType::C_BAD_CD, rule);  // R-TXN-014
    return nullptr;
  }
  return cfg_.InsertCd(sid, index, decoded);
}

}  // namespace smmuref::impl::arch
