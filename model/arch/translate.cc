// Transaction flow [IHI0070 §3.3, §3.4, §5.2, §5.4, §7.3]. Rules R-TXN-*.
// The order of the steps below is the configuration-phase fault priority: C_BAD_STREAMID,
// F_STE_FETCH, C_BAD_STE, C_BAD_SUBSTREAMID, F_STREAM_DISABLED, stage-2 faults on CD fetch,
// F_CD_FETCH, C_BAD_CD, then the walks (R-TXN-001).
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/**/*.vec
#include "smmuref/model/arch/translate.h"

#include <algorithm>
#include <string>

#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/evtq.h"
#include "smmuref/model/arch/reserved.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/model/arch/walk.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::EventType;
using spec::FaultClass;
using spec::TxnOutcome;

namespace {

Fault ConfigFault(EventType t, const char* rule) {
  Fault f;
  f.type = t;
  f.rule = rule;
  return f;
}

bool Fits(uint64_t addr, unsigned bits) { return bits >= 64 || (addr >> bits) == 0; }

TxnOutcome Ok(uint64_t pa) {
  TxnOutcome o;
  o.kind = TxnOutcome::Kind::kOk;
  o.pa = pa;
  return o;
}

TxnOutcome Terminate(const spec::Txn& rec, const Fault& f) {
  SMMUREF_RULE("R-TXN-001");  // a configuration-phase termination, found in priority order
  return MakeFaultOutcome(rec, f, FaultConfig{true, true});
}

// The access the walks see after STE attribute overrides [IHI0070 §5.2 PRIVCFG, INSTCFG]; the
// event record reports these values.
Access EffectiveAccess(const spec::Txn& txn, const SteConfig& ste, spec::Txn* recorded) {
  Access a{txn.write, txn.instr && !txn.write, txn.priv};
  // R-TXN-002: (decoded only with ATTR_PERMS_OVR, R-STE-027) PRIVCFG 0b10 forces unprivileged and 0b11 privileged; 0b0x keeps the incoming value.
  if (SMMUREF_RULE_IF("R-TXN-002", ste.privcfg == 2)) a.priv = false;
  if (SMMUREF_RULE_IF("R-TXN-002", ste.privcfg == 3)) a.priv = true;
  // R-TXN-003: INSTCFG 0b10 forces data and 0b11 instruction, for reads only; writes are data.
  if (SMMUREF_RULE_IF("R-TXN-003", !txn.write && ste.instcfg == 2)) a.instr = false;
  if (SMMUREF_RULE_IF("R-TXN-003", !txn.write && ste.instcfg == 3)) a.instr = true;
  *recorded = txn;
  recorded->priv = a.priv;
  recorded->instr = a.instr;
  return a;
}

// Stage-2 faults use STE.S2R with an implied A=1 [IHI0070 §5.5].
FaultConfig S2FaultConfig(const SteConfig& ste) { return FaultConfig{true, ste.s2cfg.r}; }

FetchTag S2Tag(const spec::Txn& rec, const SteConfig& ste) {
  FetchTag tag;
  tag.sid = rec.sid;
  tag.vmid = ste.s2cfg.vmid;
  return tag;
}

// The stage-1 context of a nested translation, for the caching rules of combined entries.
struct S1Context {
  bool nested = false;
  uint64_t va = 0;
  uint16_t asid = 0;
};

// After stage 1 (or its bypass): stage 2 if enabled, else the IPA is the PA.
TxnOutcome FinishStage2(const TranslateContext& ctx, const spec::Txn& rec, const SteConfig& ste,
                        Access access, uint64_t ipa, Fetcher& fetch, S1Context s1 = {}) {
  if (!ste.s2) {
    // R-TXN-004: with stage 2 bypassed the IPA is presented as the PA, truncated to the OAS [§3.4].
    SMMUREF_RULE("R-TXN-004");
    return Ok(Fits(ipa, ctx.p->oas) ? ipa : ipa & ((uint64_t{1} << ctx.p->oas) - 1));
  }
  FetchTag tag = S2Tag(rec, ste);
  tag.nested = s1.nested;
  tag.s1_va = s1.va;
  tag.asid = s1.asid;
  auto pa = S2Translate(ste.s2cfg, ipa, access, FaultClass::IN, *ctx.p, fetch, tag);
  if (auto* f = std::get_if<Fault>(&pa)) return MakeFaultOutcome(rec, *f, S2FaultConfig(ste));
  return Ok(std::get<uint64_t>(pa));
}

// Stage 1 bypassed: Config 0b1x0, or S1DSS=0b01 for a transaction without a SubstreamID.
TxnOutcome Stage1Bypass(const TranslateContext& ctx, const spec::Txn& rec, const SteConfig& ste,
                        Access access, Fetcher& fetch) {
  // R-TXN-005: with stage 1 bypassed, an input address at or above 2^IAS is a stage-1 Address
  // Size fault (S2=0, CLASS=IN) that always aborts and records [§3.4].
  if (SMMUREF_RULE_IF("R-TXN-005", !Fits(rec.addr, ctx.p->ias()))) {
    Fault f = ConfigFault(EventType::F_ADDR_SIZE, "R-TXN-005");
    return Terminate(rec, f);
  }
  return FinishStage2(ctx, rec, ste, access, rec.addr, fetch);
}

// Reads a CD-table structure at `addr`, an IPA when stage 2 is enabled.
Step<bool> FetchCdStructure(const TranslateContext& ctx, const spec::Txn& rec,
                            const SteConfig& ste, FetchKind kind, uint32_t index, uint64_t addr,
                            unsigned dwords, uint64_t* out, Fetcher& fetch) {
  FetchTag tag;
  tag.sid = rec.sid;
  tag.cd_index = index;
  tag.l1_shift = ste.s1fmt == 2 ? 10 : 6;
  tag.world = static_cast<unsigned>(ste.world);
  tag.vmid = ste.vmid;
  uint64_t pa = addr;
  if (ste.s2) {
    // R-TXN-008: with stage 2 enabled, L1CD and CD addresses are IPAs translated by stage 2 as
    // reads; a fault there is a stage-2 fault with CLASS=CD and IPA = the structure address.
    SMMUREF_RULE("R-TXN-008");
    auto r = S2Translate(ste.s2cfg, addr, Access{false, false, true}, FaultClass::CD, *ctx.p,
                         fetch, S2Tag(rec, ste));
    const bool translated = std::holds_alternative<uint64_t>(r);
    if (translated) pa = std::get<uint64_t>(r);
    tag.via_s2 = true;
    // R-CACHE-013 / C-CACHE-017: a configuration cache is looked up by StreamID and CD-table
    // index, so a copy fetched through an earlier stage-2 mapping of the address may be used
    // without translating it again, until a configuration invalidation covering it completes
    // (TLB invalidation does not remove it). Copies from the address stage 2 gives now are
    // already among the values the fresh read allows.
    std::vector<CachedCopy> copies = fetch.CachedCopies(kind, tag);
    if (translated) {
      std::erase_if(copies, [pa](const CachedCopy& c) { return c.pa == pa; });
    }
    const unsigned pick =
        copies.empty() ? 0 : fetch.Choose("C-CACHE-017", static_cast<unsigned>(copies.size()) + 1);
    if (pick != 0) {
      SMMUREF_RULE("R-CACHE-013");
      const CachedCopy& copy = copies[pick - 1];
      FetchTag cached = tag;
      cached.not_after = copy.last + 1;  // only what the copy may have been fetched as
      // A cached copy reads no memory: an abort injected there now is not seen; such a run
      // describes nothing.
      if (!fetch.Read(kind, cached, copy.pa, dwords, out)) {
        fetch.Impossible();
        return ConfigFault(EventType::F_CD_FETCH, "R-CACHE-013");
      }
      return true;
    }
    if (!translated) return std::get<Fault>(r);
  }
  if (!fetch.Read(kind, tag, pa, dwords, out)) {
    // R-TXN-009: an external abort reading an L1CD or CD gives F_CD_FETCH with the PA read.
    SMMUREF_RULE("R-TXN-009");
    Fault f = ConfigFault(EventType::F_CD_FETCH, "R-TXN-009");
    f.fetch_addr = pa;
    return f;
  }
  return true;
}

// Which CD a transaction uses, or the fault that stops it [IHI0070 §5.2 S1DSS, §3.3 SubstreamIDs].
struct CdChoice {
  bool bypass_stage1 = false;  // S1DSS=0b01 and no SubstreamID
  uint32_t index = 0;
};
Step<CdChoice> SelectCd(const spec::Txn& txn, const SteConfig& ste, const spec::Profile& p) {
  const bool substreams = p.ssidsize != 0 && ste.s1cdmax != 0;
  if (txn.ssv) {
    // R-TXN-010: a transaction with a SubstreamID when substreams are off (SSIDSIZE=0 or
    // S1CDMax=0), or with SubstreamID >= 2^S1CDMax, is C_BAD_SUBSTREAMID.
    if (SMMUREF_RULE_IF("R-TXN-010", !substreams || (uint64_t{txn.ssid} >> ste.s1cdmax) != 0)) {
      return ConfigFault(EventType::C_BAD_SUBSTREAMID, "R-TXN-010");
    }
    // R-TXN-011: with S1DSS=0b10 (substream0), SubstreamID 0 itself is F_STREAM_DISABLED.
    if (SMMUREF_RULE_IF("R-TXN-011", txn.ssid == 0 && ste.s1dss == 2)) {
      return ConfigFault(EventType::F_STREAM_DISABLED, "R-TXN-011");
    }
    return CdChoice{false, txn.ssid};
  }
  if (!substreams) return CdChoice{false, 0};
  // R-TXN-012: without a SubstreamID, S1DSS chooses: 0b00 F_STREAM_DISABLED, 0b01 bypass stage 1,
  // 0b10 use CD[0] (0b11 is decoded as 0b00 by DecodeSte).
  SMMUREF_RULE("R-TXN-012");
  switch (ste.s1dss) {
    case 1: return CdChoice{true, 0};
    case 2: return CdChoice{false, 0};
    default: return ConfigFault(EventType::F_STREAM_DISABLED, "R-TXN-012");
  }
}

// Fetches, validates and decodes the CD at CD-table index `index`.
Step<CdConfig> FetchCd(const TranslateContext& ctx, const spec::Txn& rec, const SteConfig& ste,
                       uint32_t index, Fetcher& fetch) {
  const CdPath path = LocateCd(ste, index);
  uint64_t cd_addr = path.cd_addr;
  if (path.two_level) {
    uint64_t l1cd = 0;
    auto r = FetchCdStructure(ctx, rec, ste, FetchKind::kL1Cd, index, path.l1cd_addr, 1, &l1cd,
                              fetch);
    if (auto* f = std::get_if<Fault>(&r)) return *f;
    // R-CD-028 / C-CD-003: a valid L1CD with a non-zero reserved field (L2Ptr[15:12] with 64KB
    // leaf tables included) is invalid, or the field is ignored.
    const uint64_t l1_reserved = L1CdReservedMask(ste.s1fmt == 2);
    if (spec::Get(&l1cd, spec::l1cd::V) && SMMUREF_RULE_IF("R-CD-028", (l1cd & l1_reserved) != 0) &&
        TreatAsInvalid(*ctx.p, fetch, "C-CD-003")) {
      return ConfigFault(EventType::C_BAD_SUBSTREAMID, "R-CD-028");
    }
    // R-TXN-013: an L1CD with V=0 reached by a transaction is C_BAD_SUBSTREAMID.
    bool out_of_range = false;
    if (SMMUREF_RULE_IF("R-TXN-013", !CdAddressFromL1Cd(l1cd, ste, index, &cd_addr, &out_of_range))) {
      // C-CD-002: an L2Ptr beyond the IAS with stage 2 enabled is C_BAD_SUBSTREAMID, or the
      // untruncated IPA goes to stage 2 and faults there [§3.4.3 (4)].
      if (!(out_of_range && ste.s2 && fetch.Choose("C-CD-002", 2) == 1)) {
        return ConfigFault(EventType::C_BAD_SUBSTREAMID, out_of_range ? "R-CD-023" : "R-TXN-013");
      }
    }
  }
  uint64_t cd[8] = {};
  auto r = FetchCdStructure(ctx, rec, ste, FetchKind::kCd, index, cd_addr, 8, cd, fetch);
  if (auto* f = std::get_if<Fault>(&r)) return *f;
  CdContext cctx;
  cctx.world = ste.world;
  cctx.s1stalld = ste.s1stalld;
  cctx.s2 = ste.s2;
  uint64_t reserved[8];
  CdReservedMask(*ctx.p, ste.world, reserved);
  // R-CD-027 / C-CD-001: likewise for a valid CD (C_BAD_CD).
  if (spec::Get(cd, spec::cd::V) && SMMUREF_RULE_IF("R-CD-027", HasReservedBits(cd, reserved, 8)) &&
      TreatAsInvalid(*ctx.p, fetch, "C-CD-001")) {
    return ConfigFault(EventType::C_BAD_CD, "R-CD-027");
  }
  const auto violations = CdIllegalReasons(cd, *ctx.p, cctx);
  // R-TXN-014: a CD that is invalid or ILLEGAL gives C_BAD_CD.
  if (SMMUREF_RULE_IF("R-TXN-014", !violations.empty())) {
    return ConfigFault(EventType::C_BAD_CD, violations.front().rule);
  }
  return DecodeCd(cd, *ctx.p, cctx);
}

// A translation context (the TLB-cacheable fields of a CD) that may still have entries in the
// TLB, and when it may have formed them.
struct EarlierContext {
  CdConfig cd;
  uint64_t from = 0, to = 0;
};

// The earlier contexts, and in *current_from the earliest time a walk through the current
// context may have started: the start of the open period of a CD with the same translation
// context (0 when none matches, e.g. a torn read that memory never held whole).
std::vector<EarlierContext> EarlierContexts(const spec::Profile& p, const SteConfig& ste,
                                            const CdConfig& current, Fetcher& fetch,
                                            uint64_t* current_from) {
  std::vector<EarlierContext> out;
  uint64_t from = ~uint64_t{0};
  CdContext cctx;
  cctx.world = ste.world;
  cctx.s1stalld = ste.s1stalld;
  cctx.s2 = ste.s2;
  for (const HeldValue& v : fetch.EarlierCds(static_cast<unsigned>(ste.world), ste.vmid)) {
    // Only a valid CD ever forms entries, and only one of the same address space (ASID; the
    // NS-EL2 StreamWorld has none) is looked up with the current tags.
    if (!CdIllegalReasons(v.dwords.data(), p, cctx).empty()) continue;
    const CdConfig cd = DecodeCd(v.dwords.data(), p, cctx);
    if (cd.asid != current.asid) continue;
    // R-CACHE-011 / R-CACHE-012: the current context was in use only during its open period;
    // an earlier period of the same context that ended (its CFGI took effect) is an earlier
    // context of its own, whose entries a later TLBI removed [§3.21.1, §4.3.3].
    if (SameTranslationContext(cd, current) && v.open) {
      from = std::min(from, v.from);
      continue;
    }
    out.push_back({cd, v.from, v.to});
  }
  *current_from = from == ~uint64_t{0} ? 0 : from;
  return out;
}

TxnOutcome TranslateWithSte(const TranslateContext& ctx, const spec::Txn& txn,
                            const SteConfig& ste, Fetcher& fetch) {
  spec::Txn rec;
  const Access access = EffectiveAccess(txn, ste, &rec);
  if (!ste.s1) {
    // R-TXN-006: a SubstreamID on an STE with stage 1 disabled (Config 0b1x0) is
    // C_BAD_SUBSTREAMID.
    if (SMMUREF_RULE_IF("R-TXN-006", txn.ssv)) {
      return Terminate(rec, ConfigFault(EventType::C_BAD_SUBSTREAMID, "R-TXN-006"));
    }
    if (!ste.s2) {
      // R-TXN-007: Config 0b100 bypasses both stages; an input address at or above 2^OAS is a
      // stage-1 Address Size fault that aborts and records [§3.4].
      if (SMMUREF_RULE_IF("R-TXN-007", !Fits(txn.addr, ctx.p->oas))) {
        return Terminate(rec, ConfigFault(EventType::F_ADDR_SIZE, "R-TXN-007"));
      }
      return Ok(txn.addr);
    }
    return Stage1Bypass(ctx, rec, ste, access, fetch);
  }
  auto choice = SelectCd(txn, ste, *ctx.p);
  if (auto* f = std::get_if<Fault>(&choice)) return Terminate(rec, *f);
  const CdChoice c = std::get<CdChoice>(choice);
  if (c.bypass_stage1) return Stage1Bypass(ctx, rec, ste, access, fetch);

  auto cd = FetchCd(ctx, rec, ste, c.index, fetch);
  if (auto* f = std::get_if<Fault>(&cd)) {
    return MakeFaultOutcome(rec, *f, f->s2 ? S2FaultConfig(ste) : FaultConfig{true, true});
  }
  const CdConfig& current = std::get<CdConfig>(cd);
  FetchTag tag;
  tag.sid = txn.sid;
  tag.cd_index = c.index;
  tag.asid = current.asid;
  tag.vmid = ste.vmid;
  tag.el2 = ste.world != StreamWorld::kNsEl1;
  tag.world = static_cast<unsigned>(ste.world);
  // R-CACHE-012 / C-CACHE-005: the TLB may still hold entries formed through an earlier
  // translation context of the same address space (a CD with the same tags whose TLB-cacheable
  // fields differ, e.g. TTB0 changed with only CFGI_CD), until a TLBI covering them completes.
  CdConfig cdc = current;
  uint64_t current_from = 0;
  const std::vector<EarlierContext> earlier =
      EarlierContexts(*ctx.p, ste, current, fetch, &current_from);
  tag.context_from = current_from;
  if (SMMUREF_RULE_IF("R-CACHE-012", !earlier.empty())) {
    const unsigned pick = fetch.Choose("C-CACHE-005", static_cast<unsigned>(earlier.size()) + 1);
    if (pick > 0) {
      const EarlierContext& e = earlier[pick - 1];
      cdc = WithTranslationContext(current, e.cd);
      tag.context_from = 0;  // an earlier context's own window bounds its walk
      tag.not_before = e.from;
      tag.not_after = e.to;
    }
  }
  auto ipa = S1Translate(cdc, ste.world, txn.addr, access, ste.s2 ? &ste.s2cfg : nullptr, *ctx.p,
                         fetch, tag);
  if (auto* f = std::get_if<Fault>(&ipa)) {
    // R-TXN-015: a stage-1 fault obeys CD.A and CD.R; a stage-2 fault met during the stage-1
    // walk obeys STE.S2R (A implied) [§5.5].
    SMMUREF_RULE("R-TXN-015");
    const FaultConfig cfg = f->s2 ? S2FaultConfig(ste) : FaultConfig{cdc.a, cdc.r};
    return MakeFaultOutcome(rec, *f, cfg);
  }
  return FinishStage2(ctx, rec, ste, access, std::get<uint64_t>(ipa), fetch,
                      S1Context{true, txn.addr, cdc.asid});
}

// The outcome before event merging; `*mev` is STE.MEV of the STE used, if one was located.
TxnOutcome TranslateUnmerged(const TranslateContext& ctx, const spec::Txn& txn, Fetcher& fetch,
                             bool* mev) {
  if (!ctx.smmuen) {
    // R-TXN-016: with SMMUEN=0 a transaction aborts without an event if GBPA.ABORT=1; else it
    // bypasses, aborting without an event if its address does not fit the OAS [§3.4].
    // C-REG-002 / C-REG-003: GBPA.ABORT may be UNKNOWN (IMPLEMENTATION DEFINED reset value, or a
    // v3.1 write without Update): both behaviours are allowed.
    const bool abort = ctx.gbpa_abort_unknown ? fetch.Choose("C-REG-002", 2) == 1 : ctx.gbpa_abort;
    if (SMMUREF_RULE_IF("R-TXN-016", abort || !Fits(txn.addr, ctx.p->oas))) {
      Fault f = ConfigFault(EventType::F_UUT, "R-TXN-016");
      f.silent = true;
      return MakeFaultOutcome(txn, f, FaultConfig{});
    }
    return Ok(txn.addr);
  }
  if (ctx.strtab_unknown) {
    // C-REG-005: a v3.1 write to STRTAB_BASE(_CFG) while SMMUEN=1 left the stream table base
    // UNKNOWN: STEs may be fetched from an UNPREDICTABLE address, so any outcome is allowed.
    TxnOutcome o;
    o.kind = TxnOutcome::Kind::kUnpredictable;
    o.rule = "C-REG-005";
    return o;
  }
  auto located = LocateSte(ctx.strtab, txn.sid, *ctx.p, fetch);
  if (auto* f = std::get_if<Fault>(&located)) return Terminate(txn, *f);
  const uint64_t* raw = std::get<FetchedSte>(located).ste;
  uint64_t reserved[8];
  SteReservedMask(*ctx.p, reserved);
  // R-STE-028 / C-STE-001: a valid STE with a non-zero reserved field is invalid (C_BAD_STE) in
  // an implementation that detects them, and has the field ignored in one that does not.
  if (spec::Get(raw, spec::ste::V) &&
      SMMUREF_RULE_IF("R-STE-028", HasReservedBits(raw, reserved, 8)) &&
      TreatAsInvalid(*ctx.p, fetch, "C-STE-001")) {
    return Terminate(txn, ConfigFault(EventType::C_BAD_STE, "R-STE-028"));
  }
  SteConfig ste = DecodeSte(raw, *ctx.p, ctx.e2h);
  if (ctx.e2h_unknown && ste.world != StreamWorld::kNsEl1 && fetch.Choose("C-REG-001", 2) == 1) {
    // C-REG-001: CR2.E2H resets to UNKNOWN; an STE with STRW=0b10 is NS-EL2 or NS-EL2-E2H.
    ste = DecodeSte(raw, *ctx.p, !ctx.e2h);
  }
  *mev = ste.mev;
  // R-TXN-017: STE.V=0 gives C_BAD_STE; V=1 with Config 0b0xx aborts with no event; an ILLEGAL
  // STE gives C_BAD_STE (rules R-STE-*).
  if (SMMUREF_RULE_IF("R-STE-001", !ste.valid)) {
    SMMUREF_RULE("R-TXN-017");
    return Terminate(txn, ConfigFault(EventType::C_BAD_STE, "R-STE-001"));
  }
  if (SMMUREF_RULE_IF("R-STE-002", ste.abort)) {
    Fault f = ConfigFault(EventType::C_BAD_STE, "R-STE-002");
    f.silent = true;
    return Terminate(txn, f);
  }
  auto violations = SteIllegalReasons(raw, *ctx.p);
  // C-STE-002: with stage 2 enabled, an S1ContextPtr beyond the IAS makes the STE ILLEGAL, or
  // the untruncated IPA goes to stage 2 and faults there [§3.4.3 (2)].
  const auto ptr = std::find_if(violations.begin(), violations.end(),
                                [](const Violation& v) { return std::string(v.rule) == "R-STE-011"; });
  if (ptr != violations.end() && ste.s2 && fetch.Choose("C-STE-002", 2) == 1) violations.erase(ptr);
  if (SMMUREF_RULE_IF("R-TXN-017", !violations.empty())) {
    return Terminate(txn, ConfigFault(EventType::C_BAD_STE, violations.front().rule));
  }
  return TranslateWithSte(ctx, txn, ste, fetch);
}

}  // namespace

TxnOutcome TranslateTxn(const TranslateContext& ctx, const spec::Txn& txn, Fetcher& fetch) {
  bool mev = false;
  TxnOutcome o = TranslateUnmerged(ctx, txn, fetch, &mev);
  // R-EVTQ-008 / C-EVT-006: an event identical to the last record written may be merged into
  // it (no new record), or recorded on its own; each occurrence chooses.
  if (o.event && ctx.last_record && MayMergeEvent(*o.event, *ctx.last_record, mev, ctx.p->oas) &&
      fetch.Choose("C-EVT-006", 2) == 1) {
    SMMUREF_RULE("R-EVTQ-008");
    o.merged = true;
  }
  return o;
}

}  // namespace smmuref::model::arch
