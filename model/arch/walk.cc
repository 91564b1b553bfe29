// VMSAv8-64 translation table walks as the SMMU performs them: stage 1 through CD.TTB0/TTB1 and
// stage 2 through STE.S2TTB, with the stage-2 translation of every stage-1 descriptor address in
// nested configurations [IHI0070 §3.4, §5.2, §5.4, §7.3.12-§7.3.16; DDI0487 D8.1-D8.3].
// Tests: tests/model/arch/walk_test.cc, tests/model/arch/perm_test.cc
#include "smmuref/model/arch/walk.h"

#include <algorithm>

#include "smmuref/model/arch/perm.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/error.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

namespace desc_s1 = spec::desc_s1;
namespace desc_s2 = spec::desc_s2;
using spec::EventType;
using spec::FaultClass;

namespace {

constexpr uint64_t LowMask(unsigned bits) {
  return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}

// The lowest input-address bit a level-`level` lookup resolves: a level-3 entry maps one granule
// and each level up multiplies by the 2^(g-3) entries of a table [DDI0487 D8.2].
unsigned LevelShift(unsigned granule_shift, int level) {
  return granule_shift + static_cast<unsigned>(3 - level) * (granule_shift - 3);
}

// The start table of a walk: base, level and how many input-address bits index it.
struct StartTable {
  uint64_t base = 0;
  int level = 0;
  unsigned index_bits = 0;
};

StartTable MakeStartTable(uint64_t ttb, int level, unsigned ia_bits, unsigned granule_shift) {
  StartTable t;
  t.level = level;
  t.index_bits = ia_bits - LevelShift(granule_shift, level);
  // R-WALK-005: the start-level table is aligned to its size (8 bytes per entry, including
  // concatenated stage-2 tables); TTB bits below that size are treated as zero.
  SMMUREF_RULE("R-WALK-005");
  t.base = ttb & ~LowMask(t.index_bits + 3);
  return t;
}

// R-WALK-006: the descriptor for `ia` at `level` is at table + 8 * IA[top-1 : LevelShift], where
// top is the input size at the start level and LevelShift + (g-3) below it.
uint64_t DescriptorAddress(uint64_t table, uint64_t ia, unsigned granule_shift, int level,
                           unsigned index_bits) {
  SMMUREF_RULE("R-WALK-006");
  const uint64_t index = (ia >> LevelShift(granule_shift, level)) & LowMask(index_bits);
  return table + index * 8;
}

enum class DescKind : uint8_t { kInvalid, kTable, kBlock, kPage };

// R-WALK-009: blocks exist at levels 1 and 2 with 4KB, at level 2 only with 16KB and 64KB
// (level 0 / level 1 blocks need DS or FEAT_LPA, out of scope).
bool BlockAllowed(unsigned granule_shift, int level) {
  return granule_shift == 12 ? (level == 1 || level == 2) : level == 2;
}

// R-WALK-008: bit[0] == 0 is invalid; at level 3 bits[1:0] == 0b01 is reserved and treated as
// invalid; 0b11 is a table below level 3 and a page at level 3.
DescKind DecodeDescriptor(uint64_t desc, int level, unsigned granule_shift, spec::Field valid,
                          spec::Field type) {
  if (spec::Get(&desc, valid) == 0) return DescKind::kInvalid;
  const bool table_or_page = spec::Get(&desc, type) != 0;
  if (level == 3) return table_or_page ? DescKind::kPage : DescKind::kInvalid;
  if (table_or_page) return DescKind::kTable;
  if (SMMUREF_RULE_IF("R-WALK-009", !BlockAllowed(granule_shift, level))) return DescKind::kInvalid;
  return DescKind::kBlock;
}

// R-WALK-010: the next-level table address is NLTA[47:g]; descriptor bits [g-1:12] are RES0
// for 16KB and 64KB granules and are treated as zero.
uint64_t NextTableAddress(uint64_t desc, unsigned granule_shift, spec::Field nlta) {
  SMMUREF_RULE("R-WALK-010");
  return (spec::Get(&desc, nlta) << nlta.lsb) & ~LowMask(granule_shift);
}

// R-WALK-012: a block or page maps OA[47:shift] from the descriptor; the bits below the block or
// page size come from the input address.
uint64_t OutputAddress(uint64_t desc, uint64_t ia, unsigned shift, spec::Field oa) {
  SMMUREF_RULE("R-WALK-012");
  const uint64_t base = (spec::Get(&desc, oa) << oa.lsb) & ~LowMask(shift);
  return base | (ia & LowMask(shift));
}

// R-WALK-011: an output address (next-level table or block/page) with any bit at or above the
// effective output size set is an Address Size fault at that level.
bool AddressTooLarge(uint64_t addr, unsigned oa_bits) {
  return SMMUREF_RULE_IF("R-WALK-011", (addr >> oa_bits) != 0);
}

Fault S1Fault(EventType type, int level, const char* rule) {
  // R-WALK-016: stage-1 translation-related faults report S2 = 0 and CLASS = IN.
  SMMUREF_RULE("R-WALK-016");
  Fault f;
  f.type = type;
  f.s2 = false;
  f.cls = FaultClass::IN;
  f.level = level;
  f.rule = rule;
  return f;
}

Fault S2Fault(EventType type, FaultClass cls, uint64_t ipa, int level, const char* rule) {
  // R-WALK-016: stage-2 faults report S2 = 1, the CLASS of the access being translated and
  // IPA = the address that stage 2 was translating.
  SMMUREF_RULE("R-WALK-016");
  Fault f;
  f.type = type;
  f.s2 = true;
  f.cls = cls;
  f.ipa = ipa;
  f.level = level;
  f.rule = rule;
  // R-PERM-014: stage-1 walk reads are reads at stage 2; a permission fault on one reports
  // TTRnW = 1.
  f.ttrnw = SMMUREF_RULE_IF("R-PERM-014", type == EventType::F_PERMISSION && cls == FaultClass::TT);
  return f;
}

Fault WalkAbort(bool s2, FaultClass cls, uint64_t ipa, uint64_t pa, int level) {
  // R-WALK-007: an external abort on a descriptor read is F_WALK_EABT with FetchAddr = the PA
  // read; a stage-1 descriptor read reports S2 = 0, CLASS = TT (also when nested), a stage-2
  // descriptor read reports S2 = 1 with the CLASS of the access stage 2 was translating.
  SMMUREF_RULE("R-WALK-007");
  Fault f;
  f.type = EventType::F_WALK_EABT;
  f.s2 = s2;
  f.cls = s2 ? cls : FaultClass::TT;
  f.ipa = s2 ? ipa : 0;
  f.fetch_addr = pa;
  f.level = level;
  f.rule = "R-WALK-007";
  return f;
}

// R-WALK-001: VA[55] selects TTB1 (1) or TTB0 (0); the NS-EL2 StreamWorld has TTB0 only.
unsigned SelectTtb(StreamWorld world, uint64_t va) {
  if (world == StreamWorld::kNsEl2) return 0;
  SMMUREF_RULE("R-WALK-001");
  return static_cast<unsigned>((va >> 55) & 1);
}

// R-WALK-002: VA[AddrTop:IA] must all equal the selected half's sign (VA[55], or 0 in NS-EL2
// where only the lower range exists); AddrTop is 55 with that half's TBI, else 63.
bool CheckInputRange(StreamWorld world, const TtbConfig& half, uint64_t va) {
  const unsigned ia_bits = 64 - half.tsz;
  const unsigned addr_top = half.tbi ? 55 : 63;
  const bool sign = world != StreamWorld::kNsEl2 && ((va >> 55) & 1) != 0;
  const uint64_t upper = (va >> ia_bits) & LowMask(addr_top + 1 - ia_bits);
  return upper == (sign ? LowMask(addr_top + 1 - ia_bits) : 0);
}

// Stage 2 of one stage-1 descriptor address in a nested walk.
Step<uint64_t> TranslateTableAddress(const S2Config& s2, uint64_t desc_ipa,
                                     const spec::Profile& p, Fetcher& fetch, FetchTag tag) {
  // R-WALK-013: each stage-1 descriptor address is an IPA, translated by stage 2 as a privileged
  // data read with CLASS = TT before the read; stage-2 faults there report IPA = that address.
  SMMUREF_RULE("R-WALK-013");
  const Access read{.write = false, .instr = false, .priv = true};
  tag.nested = true;
  tag.s1_va = tag.va;
  return S2Translate(s2, desc_ipa, read, FaultClass::TT, p, fetch, tag);
}

}  // namespace

TlbEligibility DescriptorTlbEligibility(bool stage1, uint64_t desc, int level,
                                        unsigned granule_shift, bool affd, unsigned oa_bits) {
  TlbEligibility e;
  const spec::Field valid = stage1 ? desc_s1::Valid : desc_s2::Valid;
  const spec::Field type = stage1 ? desc_s1::Type : desc_s2::Type;
  const DescKind kind = DecodeDescriptor(desc, level, granule_shift, valid, type);
  // R-CACHE-003: an entry whose use faults is never held: an invalid descriptor (Translation
  // fault), an address beyond the output size (Address Size fault), AF=0 without AFFD (Access
  // flag fault) [DDI0487 D8.16 "caching of translation table entries"; §3.21.1].
  if (SMMUREF_RULE_IF("R-CACHE-003", kind == DescKind::kInvalid)) return e;
  if (kind == DescKind::kTable) {
    e.cacheable = !AddressTooLarge(NextTableAddress(desc, granule_shift,
                                                    stage1 ? desc_s1::NLTA : desc_s2::NLTA),
                                   oa_bits);
    return e;
  }
  e.leaf = true;
  const uint64_t out = OutputAddress(desc, 0, LevelShift(granule_shift, level),
                                     stage1 ? desc_s1::OA : desc_s2::OA);
  const bool af_fault = stage1 ? S1AccessFlagFaults(desc, affd) : S2AccessFlagFaults(desc, affd);
  e.cacheable = !AddressTooLarge(out, oa_bits) && !af_fault;
  e.global = stage1 && !spec::Get(&desc, desc_s1::nG);
  return e;
}

int S1StartLevel(unsigned ia_bits, unsigned granule_shift) {
  // R-WALK-004: the stage-1 walk starts at level 4 - ceil((IA - g) / (g - 3)).
  SMMUREF_RULE("R-WALK-004");
  const unsigned stride = granule_shift - 3;
  return 4 - static_cast<int>((ia_bits - granule_shift + stride - 1) / stride);
}

Step<uint64_t> S1Translate(const CdConfig& cd, StreamWorld world, uint64_t va, Access access,
                           const S2Config* s2, const spec::Profile& p, Fetcher& fetch,
                           FetchTag tag) {
  const unsigned which = SelectTtb(world, va);
  const TtbConfig& half = cd.ttb[which];
  // R-CACHE-012: a walk through an earlier translation context (tag.not_after set) returns only
  // what TLB entries formed then hold, and an entry whose use faults is never held (R-CACHE-003):
  // a fault before its start-level descriptor is read describes no such entry.
  const bool earlier = tag.not_after != ~uint64_t{0};
  auto no_entry = [&](Fault f) -> Step<uint64_t> {
    if (earlier) fetch.Impossible();
    return f;
  };
  // R-WALK-003: a half with EPDx = 1 (or absent in this StreamWorld) gives a Translation fault
  // without a walk.
  if (SMMUREF_RULE_IF("R-WALK-003", !half.enabled)) {
    return no_entry(S1Fault(EventType::F_TRANSLATION, 0, "R-WALK-003"));
  }
  if (SMMUREF_RULE_IF("R-WALK-002", !CheckInputRange(world, half, va))) {
    return no_entry(S1Fault(EventType::F_TRANSLATION, 0, "R-WALK-002"));
  }

  const unsigned g = half.granule_shift;
  const unsigned ia_bits = 64 - half.tsz;
  const StartTable start = MakeStartTable(half.ttb, S1StartLevel(ia_bits, g), ia_bits, g);
  uint64_t table = start.base;
  unsigned index_bits = start.index_bits;
  S1TableAttrs attrs;
  tag.va = va;
  tag.granule_shift = g;
  tag.affd = cd.affd;
  tag.oa_bits = cd.ips_bits;

  for (int level = start.level; level <= 3; ++level) {
    tag.level = level;
    // Step 1: locate the descriptor, translating its IPA through stage 2 when nested.
    uint64_t desc_pa = DescriptorAddress(table, va, g, level, index_bits);
    if (s2 != nullptr) {
      Step<uint64_t> pa = TranslateTableAddress(*s2, desc_pa, p, fetch, tag);
      if (auto* f = std::get_if<Fault>(&pa)) return level == start.level ? no_entry(*f) : *f;
      desc_pa = std::get<uint64_t>(pa);
    }
    // Step 2: read it.
    uint64_t desc = 0;
    if (!fetch.Read(FetchKind::kS1Desc, tag, desc_pa, 1, &desc)) {
      const Fault abort = WalkAbort(false, FaultClass::TT, 0, desc_pa, level);
      return level == start.level ? no_entry(abort) : abort;
    }
    // R-CACHE-011: the next level is fetched through this descriptor, so after it was stored;
    // only the start level of a walk through an earlier context is bounded above (R-CACHE-012).
    SMMUREF_RULE("R-CACHE-011");
    tag.not_before = std::max(tag.not_before, fetch.LastFrom());
    tag.not_after = ~uint64_t{0};
    // Step 3: decode it.
    const DescKind kind = DecodeDescriptor(desc, level, g, desc_s1::Valid, desc_s1::Type);
    if (SMMUREF_RULE_IF("R-WALK-008", kind == DescKind::kInvalid)) {
      return S1Fault(EventType::F_TRANSLATION, level, "R-WALK-008");
    }
    if (kind == DescKind::kTable) {
      table = NextTableAddress(desc, g, desc_s1::NLTA);
      if (AddressTooLarge(table, cd.ips_bits)) {
        return S1Fault(EventType::F_ADDR_SIZE, level, "R-WALK-011");
      }
      AccumulateTableAttrs(desc, half.had, &attrs);
      index_bits = g - 3;
      continue;
    }
    // Step 4: a block or page: output address, then access flag, then permissions.
    const uint64_t out = OutputAddress(desc, va, LevelShift(g, level), desc_s1::OA);
    if (AddressTooLarge(out, cd.ips_bits)) {
      return S1Fault(EventType::F_ADDR_SIZE, level, "R-WALK-011");
    }
    if (SMMUREF_RULE_IF("R-PERM-010", S1AccessFlagFaults(desc, cd.affd))) {
      return S1Fault(EventType::F_ACCESS, level, "R-PERM-010");
    }
    if (const char* rule = CheckS1Permission(desc, attrs, world, cd, access)) {
      return S1Fault(EventType::F_PERMISSION, level, rule);
    }
    return out;
  }
  SMMUREF_UNREACHABLE("a level-3 descriptor is always a page or invalid");
}

Step<uint64_t> S2Translate(const S2Config& s2, uint64_t ipa, Access access, FaultClass cls,
                           const spec::Profile& p, Fetcher& fetch, FetchTag tag) {
  const unsigned g = s2.granule_shift;
  const unsigned ia_bits = 64 - s2.t0sz;
  // R-WALK-014: an IPA at or above 2^(64 - S2T0SZ) is a stage-2 Translation fault.
  if (SMMUREF_RULE_IF("R-WALK-014", (ipa >> ia_bits) != 0)) {
    return S2Fault(EventType::F_TRANSLATION, cls, ipa, s2.start_level, "R-WALK-014");
  }
  // R-WALK-015: the walk starts at the level S2SL0 names; its (possibly concatenated) start
  // table is indexed by IPA[IA-1 : LevelShift(start)], up to four bits more than one table
  // resolves, which is how STE legality ties S2T0SZ, S2SL0 and the concatenation together.
  SMMUREF_RULE("R-WALK-015");
  const StartTable start = MakeStartTable(s2.ttb, s2.start_level, ia_bits, g);
  uint64_t table = start.base;
  unsigned index_bits = start.index_bits;
  tag.va = ipa;
  tag.granule_shift = g;
  tag.affd = s2.affd;
  tag.oa_bits = s2.ps_bits;
  // R-CACHE-011: the stage-2 walk is a chain of its own, from the STE's S2TTB.
  tag.not_before = 0;
  tag.not_after = ~uint64_t{0};

  for (int level = start.level; level <= 3; ++level) {
    tag.level = level;
    const uint64_t desc_pa = DescriptorAddress(table, ipa, g, level, index_bits);
    uint64_t desc = 0;
    if (!fetch.Read(FetchKind::kS2Desc, tag, desc_pa, 1, &desc)) {
      return WalkAbort(true, cls, ipa, desc_pa, level);
    }
    tag.not_before = std::max(tag.not_before, fetch.LastFrom());
    const DescKind kind = DecodeDescriptor(desc, level, g, desc_s2::Valid, desc_s2::Type);
    if (SMMUREF_RULE_IF("R-WALK-008", kind == DescKind::kInvalid)) {
      return S2Fault(EventType::F_TRANSLATION, cls, ipa, level, "R-WALK-008");
    }
    if (kind == DescKind::kTable) {
      table = NextTableAddress(desc, g, desc_s2::NLTA);
      if (AddressTooLarge(table, s2.ps_bits)) {
        return S2Fault(EventType::F_ADDR_SIZE, cls, ipa, level, "R-WALK-011");
      }
      index_bits = g - 3;
      continue;
    }
    const uint64_t out = OutputAddress(desc, ipa, LevelShift(g, level), desc_s2::OA);
    if (AddressTooLarge(out, s2.ps_bits)) {
      return S2Fault(EventType::F_ADDR_SIZE, cls, ipa, level, "R-WALK-011");
    }
    if (SMMUREF_RULE_IF("R-PERM-010", S2AccessFlagFaults(desc, s2.affd))) {
      return S2Fault(EventType::F_ACCESS, cls, ipa, level, "R-PERM-010");
    }
    // R-PERM-015: with S2PTW, a stage-1 table walk or CD fetch that lands on stage-2 Device
    // memory is a stage-2 Permission fault.
    if (SMMUREF_RULE_IF("R-PERM-015", s2.ptw && cls != FaultClass::IN && S2LeafIsDevice(desc))) {
      return S2Fault(EventType::F_PERMISSION, cls, ipa, level, "R-PERM-015");
    }
    if (const char* rule = CheckS2Permission(desc, access, p.xnx)) {
      return S2Fault(EventType::F_PERMISSION, cls, ipa, level, rule);
    }
    return out;
  }
  SMMUREF_UNREACHABLE("a level-3 descriptor is always a page or invalid");
}

}  // namespace smmuref::model::arch
