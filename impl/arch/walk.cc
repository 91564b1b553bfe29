// VMSAv8-64 walks of the engine, resumed from the walk cache and producing IOTLB entries:
// stage 1 through CD.TTB0/TTB1 (with stage 2 translating every descriptor address when nested)
// and stage 2 through STE.S2TTB [IHI0070 §3.4, §5.2, §5.4, §7.3.12-§7.3.16; DDI0487 D8.2-D8.5].
// Per level: fetch abort, invalid descriptor, address size; then on the leaf the access flag;
// permissions are evaluated on the resulting entry (translate.cc, CheckEntry).
// Tests: tests/conformance/device_test.cc, corpus/vectors/{walk,stage2,nested,perm}/*.vec
#include <algorithm>

#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {

using spec::EventType;
using spec::FaultClass;

namespace {

namespace d = layout::desc;

// Stage-1 table attributes collected in WalkEntry::attrs (kernels.h TableAttrBits).
unsigned TableAttrs(uint64_t desc) { return static_cast<unsigned>(TableAttrBits<uint64_t>(desc)); }

// R-WALK-008 / R-WALK-009: kDescInvalid, kDescTable or kDescLeaf (kernels.h).
// `mutant_` is the engine's (mutant.h).
uint64_t Classify(uint64_t desc, uint64_t level, uint64_t g, int mutant_) {
  bool block_ok = BlockAllowed<uint64_t>(g, level);
  if (SMMUREF_MUTANT(3)) {
    // Mutant 3: a block descriptor at an illegal level is accepted (the 4KB rule, blocks at
    // levels 1 and 2, applied to every granule, and level 0 taken as well).
    block_ok = level <= 2;
  }
  return ClassifyDescriptor<uint64_t>(desc, level, block_ok);
}

Engine::Fault S1Fault(EventType type, const char* rule) {
  // R-WALK-016: stage-1 faults report S2=0, CLASS=IN.
  Engine::Fault f;
  f.type = type;
  f.cls = FaultClass::IN;
  f.rule = rule;
  return f;
}

Engine::Fault S2Fault(EventType type, FaultClass cls, uint64_t ipa, const char* rule) {
  // R-WALK-016: stage-2 faults report S2=1, the CLASS being translated and that IPA.
  Engine::Fault f;
  f.type = type;
  f.s2 = true;
  f.cls = cls;
  f.ipa = ipa;
  f.rule = rule;
  return f;
}

Engine::Fault WalkAbort(bool s2, FaultClass cls, uint64_t pa) {
  // R-WALK-007: F_WALK_EABT with FetchAddr; stage-1 reads report S2=0, CLASS=TT.
  Engine::Fault f;
  f.type = EventType::F_WALK_EABT;
  f.s2 = s2;
  f.cls = s2 ? cls : FaultClass::TT;
  f.fetch_addr = pa;
  f.rule = "R-WALK-007";
  return f;
}

}  // namespace

bool Engine::WalkS1(const SteConfig& ste, const CdConfig& cd, unsigned half, uint64_t va,
                    TlbEntry* leaf, Fault* fault) {
  const HalfConfig& h = cd.half[half];
  const uint64_t g = h.granule_shift, ia = h.ia_bits, start = h.start_level;
  const uint64_t in = va & Iotlb::kInputMask;
  const Regime regime = ste.s2 ? Regime::kNested
                        : ste.world == World::kEl1 ? Regime::kS1El1
                        : ste.world == World::kEl2 ? Regime::kS1El2 : Regime::kS1El2E2h;
  uint64_t level = start, table = h.ttb;
  unsigned attrs = 0;
  // Resume at the deepest cached table on the path.
  for (uint64_t l = 3; l > start; --l) {
    const unsigned shift = static_cast<unsigned>(LevelShift<uint64_t>(l - 1, g));
    if (const WalkEntry* e = walks_.Lookup(regime, ste.vmid, cd.asid, h.sig, static_cast<int>(l),
                                           shift, in)) {
      ++stats_.walk_hits;
      level = l;
      table = e->table;
      attrs = e->attrs;
      break;
    }
  }
  for (; level <= 3; ++level) {
    // R-WALK-004..006: start-level index covers the input up to IA, later levels g-3 bits.
    const uint64_t index =
        level == start ? StartIndex<uint64_t>(in, level, g, ia) : LevelIndex<uint64_t>(in, level, g);
    uint64_t pa = table + index * 8;
    // R-WALK-013: nested, the descriptor address is an IPA translated by stage 2.
    if (ste.s2 && !TranslateTableAccess(ste, pa, FaultClass::TT, &pa, fault)) return false;
    uint64_t desc = 0;
    ++stats_.descriptor_reads;
    if (!mem_.Read(pa, 1, &desc)) {
      *fault = WalkAbort(false, FaultClass::TT, pa);
      return false;
    }
    const uint64_t kind = Classify(desc, level, g, mutant_);
    if (kind == kDescInvalid) {
      *fault = S1Fault(EventType::F_TRANSLATION, "R-WALK-008");
      return false;
    }
    const uint64_t shift = LevelShift<uint64_t>(level, g);
    if (kind == kDescTable) {
      // R-WALK-010 / R-WALK-011: next table address and its size check.
      const uint64_t next = desc & d::kAddr & ~LowMask<uint64_t>(g);
      // Mutant 7: address-size check skipped on table descriptors.
      if (!SMMUREF_MUTANT(7) && ExceedsBits<uint64_t>(next, cd.ips_bits)) {
        *fault = S1Fault(EventType::F_ADDR_SIZE, "R-WALK-011");
        return false;
      }
      // R-PERM-007..009: hierarchical attributes unless HADx.
      if (!cd.had[half]) attrs |= TableAttrs(desc);
      WalkEntry w;
      w.valid = true;
      w.regime = regime;
      w.level = static_cast<uint8_t>(level + 1);
      w.shift = static_cast<uint8_t>(shift);
      w.attrs = static_cast<uint8_t>(attrs);
      w.vmid = ste.vmid;
      w.asid = cd.asid;
      w.prefix = in >> shift;
      w.sig = h.sig;
      w.table = next;
      walks_.Insert(w);
      table = next;
      continue;
    }
    // R-WALK-012 / R-WALK-011: output address and its size check.
    const uint64_t out = OutputAddress<uint64_t>(desc & d::kAddr, in, shift);
    if (ExceedsBits<uint64_t>(out, cd.ips_bits)) {
      *fault = S1Fault(EventType::F_ADDR_SIZE, "R-WALK-011");
      return false;
    }
    const uint64_t ap = FieldGet<uint64_t>(desc, d::kAp), pxn = FieldGet<uint64_t>(desc, d::kPxn),
                   uxn = FieldGet<uint64_t>(desc, d::kUxn);
    const uint64_t aptable = attrs & 3, uxntable = (attrs >> 2) & 1, pxntable = (attrs >> 3) & 1;
    // Mutant 8: PAN ignored.
    const uint64_t pan = SMMUREF_MUTANT(8) ? 0 : cd.pan;
    // The permissions are set before the access-flag check, which leaves them in `leaf` on
    // an Access flag fault (only mutant 6 reads them there).
    leaf->s1_perms = static_cast<uint8_t>(
        ste.world == World::kEl2
            ? S1PermsEl2<uint64_t>(ap, uxn, aptable, uxntable, cd.wxn)
            : S1PermsEl1<uint64_t>(ap, uxn, pxn, aptable, uxntable, pxntable, cd.wxn, pan));
    // R-PERM-010: access flag.
    if (!(desc & d::kAf) && !cd.affd) {
      *fault = S1Fault(EventType::F_ACCESS, "R-PERM-010");
      return false;
    }
    leaf->valid = true;
    leaf->regime = regime;
    leaf->shift = static_cast<uint8_t>(shift);
    leaf->page = in >> shift;
    leaf->out = out & ~LowMask<uint64_t>(shift);
    leaf->s2_perms = 0x3f;
    leaf->vmid = ste.vmid;
    leaf->asid = cd.asid;
    // NS-EL2 has no ASIDs: its entries match like global ones.
    leaf->global = ste.world == World::kEl2 || !(desc & d::kNg);
    leaf->sig1 = h.sig;
    leaf->sig2 = 0;
    return true;
  }
  SMMUREF_UNREACHABLE("a level-3 descriptor is a page or invalid");
}

bool Engine::ResolveS2(const SteConfig& ste, uint64_t ipa, FaultClass cls, TlbEntry* leaf,
                       Fault* fault) {
  // R-WALK-014: an IPA beyond the stage-2 input size.
  if (ExceedsBits<uint64_t>(ipa, ste.s2cfg.ia_bits)) {
    *fault = S2Fault(EventType::F_TRANSLATION, cls, ipa, "R-WALK-014");
    return false;
  }
  const TlbTag tag{Regime::kS2, ste.vmid, 0, ste.s2cfg.sig, 0};
  if (const TlbEntry* e = tlb_.Lookup(tag, ipa)) {
    ++stats_.tlb_hits;
    *leaf = *e;
    return true;
  }
  ++stats_.tlb_misses;
  if (!WalkS2(ste, ipa, cls, leaf, fault)) return false;
  tlb_.Insert(*leaf);
  return true;
}

bool Engine::TranslateTableAccess(const SteConfig& ste, uint64_t ipa, FaultClass cls,
                                  uint64_t* pa, Fault* fault) {
  TlbEntry e;
  if (!ResolveS2(ste, ipa, cls, &e, fault)) return false;
  // R-PERM-015: S2PTW makes a walk or CD fetch on stage-2 Device memory a permission fault.
  // R-PERM-014: otherwise it is a privileged data read at stage 2 (TTRnW=1 for CLASS=TT).
  const bool device = ste.s2cfg.ptw && e.s2_device;
  if (device || !(e.s2_perms & kPermPrivR)) {
    *fault = S2Fault(EventType::F_PERMISSION, cls, ipa, device ? "R-PERM-015" : "R-PERM-014");
    fault->ttrnw = cls == FaultClass::TT;
    return false;
  }
  *pa = e.out | (ipa & LowMask<uint64_t>(e.shift));
  return true;
}

bool Engine::WalkS2(const SteConfig& ste, uint64_t ipa, FaultClass cls, TlbEntry* leaf,
                    Fault* fault) {
  const S2Params& s2 = ste.s2cfg;
  const uint64_t g = s2.granule_shift, ia = s2.ia_bits, start = s2.start_level;
  uint64_t level = start, table = s2.ttb;
  for (uint64_t l = 3; l > start; --l) {
    const unsigned shift = static_cast<unsigned>(LevelShift<uint64_t>(l - 1, g));
    if (const WalkEntry* e =
            walks_.Lookup(Regime::kS2, ste.vmid, 0, s2.sig, static_cast<int>(l), shift, ipa)) {
      ++stats_.walk_hits;
      level = l;
      table = e->table;
      break;
    }
  }
  for (; level <= 3; ++level) {
    // R-WALK-015: the (concatenated) start table covers IPA[IA-1:LevelShift(start)].
    const uint64_t index = level == start ? StartIndex<uint64_t>(ipa, level, g, ia)
                                          : LevelIndex<uint64_t>(ipa, level, g);
    const uint64_t pa = table + index * 8;
    uint64_t desc = 0;
    ++stats_.descriptor_reads;
    if (!mem_.Read(pa, 1, &desc)) {
      *fault = WalkAbort(true, cls, pa);
      return false;
    }
    const uint64_t kind = Classify(desc, level, g, mutant_);
    if (kind == kDescInvalid) {
      *fault = S2Fault(EventType::F_TRANSLATION, cls, ipa, "R-WALK-008");
      return false;
    }
    const uint64_t shift = LevelShift<uint64_t>(level, g);
    if (kind == kDescTable) {
      const uint64_t next = desc & d::kAddr & ~LowMask<uint64_t>(g);
      if (ExceedsBits<uint64_t>(next, s2.ps_bits)) {
        *fault = S2Fault(EventType::F_ADDR_SIZE, cls, ipa, "R-WALK-011");
        return false;
      }
      WalkEntry w;
      w.valid = true;
      w.regime = Regime::kS2;
      w.level = static_cast<uint8_t>(level + 1);
      w.shift = static_cast<uint8_t>(shift);
      w.vmid = ste.vmid;
      w.prefix = ipa >> shift;
      w.sig = s2.sig;
      w.table = next;
      walks_.Insert(w);
      table = next;
      continue;
    }
    const uint64_t out = OutputAddress<uint64_t>(desc & d::kAddr, ipa, shift);
    if (ExceedsBits<uint64_t>(out, s2.ps_bits)) {
      *fault = S2Fault(EventType::F_ADDR_SIZE, cls, ipa, "R-WALK-011");
      return false;
    }
    if (!(desc & d::kAf) && !s2.affd) {
      *fault = S2Fault(EventType::F_ACCESS, cls, ipa, "R-PERM-010");
      return false;
    }
    leaf->valid = true;
    leaf->regime = Regime::kS2;
    leaf->shift = static_cast<uint8_t>(shift);
    leaf->page = ipa >> shift;
    leaf->ipa = ipa & ~LowMask<uint64_t>(shift);
    leaf->out = out & ~LowMask<uint64_t>(shift);
    leaf->s1_perms = 0x3f;
    // Mutant 13: stage-2 write permission (S2AP[1]) ignored.
    const uint64_t s2ap = FieldGet<uint64_t>(desc, d::kS2Ap) | (SMMUREF_MUTANT(13) ? 2 : 0);
    leaf->s2_perms = static_cast<uint8_t>(
        S2Perms<uint64_t>(s2ap, FieldGet<uint64_t>(desc, d::kS2Xn), profile_.xnx ? 1 : 0));
    leaf->s2_device = (desc & d::kS2MemAttrDevice) == 0;
    leaf->vmid = ste.vmid;
    leaf->asid = 0;
    leaf->global = true;
    leaf->sig1 = s2.sig;
    leaf->sig2 = 0;
    return true;
  }
  SMMUREF_UNREACHABLE("a level-3 descriptor is a page or invalid");
}

}  // namespace smmuref::impl::arch
