// Tests for model/arch/walk.cc: stage-1 and stage-2 walks over hand-built tables in a Memory,
// read through CurrentMemoryFetcher. Index bit ranges are the per-granule level index ranges of
// the VMSAv8-64 translation regime [DDI0487 D8.2], written out here independently of the model's
// formula.
#include "smmuref/model/arch/walk.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {
namespace {

namespace desc_s1 = spec::desc_s1;
namespace desc_s2 = spec::desc_s2;
using spec::EventType;
using spec::FaultClass;

constexpr uint64_t kTables = 0x1000'0000;     // table k of a walk at base + k * kStride
constexpr uint64_t kStride = 0x10'0000;       // 1 MiB: aligned for 16 concatenated 64KB tables
constexpr uint64_t kOut = 0x87'6540'0000;     // leaf output, aligned to every block size used

// Input-address bits [msb:lsb] each level indexes for a 48-bit input [DDI0487 D8.2].
const std::map<unsigned, std::array<std::pair<int, int>, 4>> kLevelBits = {
    {12, {{{47, 39}, {38, 30}, {29, 21}, {20, 12}}}},
    {14, {{{47, 47}, {46, 36}, {35, 25}, {24, 14}}}},
    {16, {{{-1, -1}, {47, 42}, {41, 29}, {28, 16}}}},
};

uint64_t Mask(unsigned bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

uint64_t S1TableDesc(uint64_t next) {
  uint64_t d = 0;
  spec::Set(&d, desc_s1::Valid, 1);
  spec::Set(&d, desc_s1::Type, 1);
  spec::Set(&d, desc_s1::NLTA, next >> 12);
  return d;
}

// A privileged read/write (AP = 0b00) block or page with AF = 1.
uint64_t S1LeafDesc(uint64_t oa, int level) {
  uint64_t d = 0;
  spec::Set(&d, desc_s1::Valid, 1);
  spec::Set(&d, desc_s1::Type, level == 3 ? 1 : 0);
  spec::Set(&d, desc_s1::AF, 1);
  spec::Set(&d, desc_s1::OA, oa >> 12);
  return d;
}

uint64_t S2TableDesc(uint64_t next) {
  uint64_t d = 0;
  spec::Set(&d, desc_s2::Valid, 1);
  spec::Set(&d, desc_s2::Type, 1);
  spec::Set(&d, desc_s2::NLTA, next >> 12);
  return d;
}

// A read/write, Normal write-back (MemAttr 0xF) block or page with AF = 1.
uint64_t S2LeafDesc(uint64_t oa, int level) {
  uint64_t d = 0;
  spec::Set(&d, desc_s2::Valid, 1);
  spec::Set(&d, desc_s2::Type, level == 3 ? 1 : 0);
  spec::Set(&d, desc_s2::AF, 1);
  spec::Set(&d, desc_s2::S2AP, 3);
  spec::Set(&d, desc_s2::MemAttr, 0xF);
  spec::Set(&d, desc_s2::OA, oa >> 12);
  return d;
}

uint64_t With(uint64_t d, spec::Field f, uint64_t v) {
  spec::Set(&d, f, v);
  return d;
}

// The addresses of the descriptors one walk reads, start level first.
struct BuiltWalk {
  uint64_t ttb = 0;
  std::vector<uint64_t> desc;
};

// Writes a walk for `ia` from `start` down to `leaf_level` (tables at base + k * kStride) and
// writes `leaf` at the last level.
BuiltWalk BuildWalk(Memory& mem, unsigned g, unsigned ia_bits, int start, int leaf_level,
                    uint64_t ia, uint64_t leaf, bool s2, uint64_t base = kTables) {
  BuiltWalk w;
  w.ttb = base;
  uint64_t table = base;
  for (int level = start; level <= leaf_level; ++level) {
    const auto [level_msb, lsb] = kLevelBits.at(g)[level];
    const int msb = level == start ? static_cast<int>(ia_bits) - 1 : level_msb;
    const uint64_t index = (ia >> lsb) & Mask(msb - lsb + 1);
    const uint64_t addr = table + index * 8;
    w.desc.push_back(addr);
    if (level == leaf_level) {
      mem.Write64(addr, leaf);
      break;
    }
    const uint64_t next = base + static_cast<uint64_t>(level - start + 1) * kStride;
    mem.Write64(addr, s2 ? S2TableDesc(next) : S1TableDesc(next));
    table = next;
  }
  return w;
}

CdConfig MakeCd(unsigned g, unsigned tsz, uint64_t ttb) {
  CdConfig cd;
  cd.valid = true;
  cd.ttb[0].enabled = true;
  cd.ttb[0].tsz = tsz;
  cd.ttb[0].granule_shift = g;
  cd.ttb[0].ttb = ttb;
  cd.ips_bits = 48;
  return cd;
}

S2Config MakeS2(unsigned g, unsigned t0sz, int start_level, uint64_t ttb) {
  S2Config s2;
  s2.granule_shift = g;
  s2.t0sz = t0sz;
  s2.start_level = start_level;
  s2.ttb = ttb;
  s2.ps_bits = 48;
  return s2;
}

Fault FaultOf(const Step<uint64_t>& step) {
  if (const Fault* f = std::get_if<Fault>(&step)) return *f;
  ADD_FAILURE() << "expected a fault, got output 0x" << std::hex << std::get<uint64_t>(step);
  return Fault{.type = spec::EventType::F_UUT};
}

uint64_t OutOf(const Step<uint64_t>& step) {
  if (const uint64_t* out = std::get_if<uint64_t>(&step)) return *out;
  const Fault& f = std::get<Fault>(step);
  ADD_FAILURE() << "unexpected fault " << spec::EventTypeName(f.type) << " (" << f.rule
                << ") s2=" << f.s2 << " level=" << f.level;
  return ~uint64_t{0};
}

class WalkFixture : public ::testing::Test {
 protected:
  // Privileged data reads unless told otherwise: the leaves built here are AP = 0b00.
  Step<uint64_t> S1(const CdConfig& cd, uint64_t va, Access a = Access{.priv = true},
                    StreamWorld world = StreamWorld::kNsEl1, const S2Config* s2 = nullptr) {
    return S1Translate(cd, world, va, a, s2, profile_, fetch_, FetchTag{});
  }
  Step<uint64_t> S2(const S2Config& s2, uint64_t ipa, Access a = {},
                    FaultClass cls = FaultClass::IN) {
    return S2Translate(s2, ipa, a, cls, profile_, fetch_, FetchTag{});
  }

  Memory mem_;
  CurrentMemoryFetcher fetch_{mem_};
  spec::Profile profile_ = [] {
    spec::Profile p;
    p.xnx = true;
    return p;
  }();
};

class S1Walk : public WalkFixture {};
class S2Walk : public WalkFixture {};
class S1NestedWalk : public WalkFixture {};

// ---- stage 1: start levels, index bits, descriptor addresses --------------------------------

struct StartCase {
  unsigned g;
  unsigned ia_bits;
  int start;
};

// R-WALK-004, R-WALK-006: each granule walks from every start level its input sizes reach.
TEST_F(S1Walk, EveryGranuleWalksFromEveryStartLevel) {
  const StartCase cases[] = {
      {12, 48, 0}, {12, 40, 0}, {12, 39, 1}, {12, 31, 1}, {12, 30, 2}, {12, 25, 2}, {12, 21, 3},
      {14, 48, 0}, {14, 47, 1}, {14, 37, 1}, {14, 36, 2}, {14, 26, 2}, {14, 25, 3},
      {16, 48, 1}, {16, 43, 1}, {16, 42, 2}, {16, 30, 2}, {16, 29, 3}, {16, 25, 3},
  };
  for (const StartCase& c : cases) {
    SCOPED_TRACE(testing::Message() << "g=" << c.g << " IA=" << c.ia_bits);
    EXPECT_EQ(S1StartLevel(c.ia_bits, c.g), c.start);  // R-WALK-004
    mem_.Clear();
    const uint64_t va = 0x0000'A5A5'5A5A'A5A5 & Mask(c.ia_bits);
    BuildWalk(mem_, c.g, c.ia_bits, c.start, 3, va, S1LeafDesc(kOut, 3), false);
    const CdConfig cd = MakeCd(c.g, 64 - c.ia_bits, kTables);
    // R-WALK-006: only the descriptors at the addresses the fact-sheet indices give are set.
    EXPECT_EQ(OutOf(S1(cd, va)), kOut | (va & Mask(c.g)));
  }
}

// R-WALK-006: a descriptor at a different index is not consulted.
TEST_F(S1Walk, WrongIndexFindsInvalidDescriptor) {
  const uint64_t va = 0x0000'0040'0020'1000;
  BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  const CdConfig cd = MakeCd(12, 16, kTables);
  EXPECT_EQ(OutOf(S1(cd, va)), kOut);
  const Fault f = FaultOf(S1(cd, va + 0x1000));  // next level-3 entry: never written
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);
  EXPECT_EQ(f.level, 3);
}

// R-WALK-005: TTB bits below the start table's size are treated as zero.
TEST_F(S1Walk, StartTableBaseIgnoresTtbBitsBelowTableSize) {
  const uint64_t va = 0x0000'1234'5678'9000;
  BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  const CdConfig cd = MakeCd(12, 16, kTables | 0xFF0);  // 4KB start table: bits [11:4] ignored
  EXPECT_EQ(OutOf(S1(cd, va)), kOut);  // R-WALK-005
}

// R-WALK-010: 16KB NLTA bits [13:12] are RES0 and do not move the next table.
TEST_F(S1Walk, Granule16kNltaBitsBelowGranuleAreIgnored) {
  const uint64_t va = 0x0000'0000'1234'4000;
  const BuiltWalk w = BuildWalk(mem_, 14, 36, 2, 3, va, S1LeafDesc(kOut, 3), false);
  mem_.Write64(w.desc[0], S1TableDesc(kTables + kStride + 0x3000));  // bits [13:12] set
  EXPECT_EQ(OutOf(S1(MakeCd(14, 28, kTables), va)), kOut | (va & Mask(14)));  // R-WALK-010
}

// ---- stage 1: descriptor types and blocks ---------------------------------------------------

// R-WALK-009, R-WALK-012: 4KB blocks at levels 1 (1GB) and 2 (2MB) take low bits from the VA.
TEST_F(S1Walk, Granule4kBlocksAtLevel1And2) {
  const uint64_t va = 0x0000'0012'3456'789A;
  BuildWalk(mem_, 12, 48, 0, 1, va, S1LeafDesc(kOut & ~Mask(30), 1), false);
  EXPECT_EQ(OutOf(S1(MakeCd(12, 16, kTables), va)), (kOut & ~Mask(30)) | (va & Mask(30)));
  mem_.Clear();
  BuildWalk(mem_, 12, 48, 0, 2, va, S1LeafDesc(kOut, 2), false);
  EXPECT_EQ(OutOf(S1(MakeCd(12, 16, kTables), va)), kOut | (va & Mask(21)));  // R-WALK-012
}

// R-WALK-009: 16KB and 64KB granules have blocks at level 2 (32MB, 512MB).
TEST_F(S1Walk, Granule16kAnd64kBlocksAtLevel2) {
  const uint64_t va = 0x0000'0012'3456'789A;
  BuildWalk(mem_, 14, 48, 0, 2, va, S1LeafDesc(kOut & ~Mask(25), 2), false);
  EXPECT_EQ(OutOf(S1(MakeCd(14, 16, kTables), va)), (kOut & ~Mask(25)) | (va & Mask(25)));
  mem_.Clear();
  BuildWalk(mem_, 16, 48, 1, 2, va, S1LeafDesc(kOut & ~Mask(29), 2), false);
  EXPECT_EQ(OutOf(S1(MakeCd(16, 16, kTables), va)), (kOut & ~Mask(29)) | (va & Mask(29)));
}

// R-WALK-009: a block where the granule has none is invalid: F_TRANSLATION at that level.
TEST_F(S1Walk, BlockAtIllegalLevelIsTranslationFault) {
  struct Case {
    unsigned g;
    int start;
    int level;
  } cases[] = {{12, 0, 0}, {14, 0, 1}, {14, 0, 0}, {16, 1, 1}};
  const uint64_t va = 0x0000'0012'3456'789A;
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "g=" << c.g << " level=" << c.level);
    mem_.Clear();
    BuildWalk(mem_, c.g, 48, c.start, c.level, va, S1LeafDesc(0, c.level), false);
    const Fault f = FaultOf(S1(MakeCd(c.g, 16, kTables), va));
    EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-009
    EXPECT_EQ(f.level, c.level);
    EXPECT_FALSE(f.s2);
    EXPECT_EQ(f.cls, FaultClass::IN);
  }
}

// R-WALK-008: bits[1:0] == 0b01 at level 3 is reserved and treated as invalid.
TEST_F(S1Walk, BlockAtLevel3IsTranslationFault) {
  const uint64_t va = 0x0000'0000'0040'3000;
  BuildWalk(mem_, 12, 48, 0, 3, va, With(S1LeafDesc(kOut, 3), desc_s1::Type, 0), false);
  const Fault f = FaultOf(S1(MakeCd(12, 16, kTables), va));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-008
  EXPECT_EQ(f.level, 3);
}

// R-WALK-008: an invalid descriptor at any level stops the walk there.
TEST_F(S1Walk, InvalidDescriptorIsTranslationFaultAtItsLevel) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const BuiltWalk w = BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  mem_.Write64(w.desc[1], S1TableDesc(kTables + 2 * kStride) & ~uint64_t{1});  // bit 0 clear
  const Fault f = FaultOf(S1(MakeCd(12, 16, kTables), va));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-008
  EXPECT_EQ(f.level, 1);
  EXPECT_FALSE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::IN);  // R-WALK-016
}

// ---- stage 1: TTB selection, input range, TBI, EPD ------------------------------------------

// R-WALK-001: VA[55] = 1 selects TTB1, with its own size and granule.
TEST_F(S1Walk, Va55SelectsTtb1) {
  const uint64_t va = 0xFFFF'8000'0040'3000;
  BuildWalk(mem_, 16, 48, 1, 3, va, S1LeafDesc(kOut, 3), false, kTables + 0x800'0000);
  CdConfig cd = MakeCd(12, 16, kTables);
  cd.ttb[1] = TtbConfig{.enabled = true, .tsz = 16, .granule_shift = 16,
                        .ttb = kTables + 0x800'0000};
  EXPECT_EQ(OutOf(S1(cd, va)), kOut | (va & Mask(16)));  // R-WALK-001
}

// R-WALK-002: the TTB0 range needs VA[63:IA] all zero, the TTB1 range all one.
TEST_F(S1Walk, VaOutsideInputRangeIsTranslationFault) {
  CdConfig cd = MakeCd(12, 25, kTables);  // 39-bit TTB0
  cd.ttb[1] = TtbConfig{.enabled = true, .tsz = 25, .granule_shift = 12, .ttb = kTables};
  for (uint64_t va : {uint64_t{0x0000'0080'0000'0000}, uint64_t{0x0100'0000'0000'0000},
                      uint64_t{0xFFFF'FF00'0000'0000}, uint64_t{0x7FFF'FFC0'0000'0000}}) {
    SCOPED_TRACE(testing::Message() << std::hex << va);
    const Fault f = FaultOf(S1(cd, va));
    EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-002
    EXPECT_EQ(f.rule, std::string("R-WALK-002"));
    EXPECT_FALSE(f.s2);
    EXPECT_EQ(f.cls, FaultClass::IN);
  }
}

// R-WALK-002: with TBI, VA[63:56] is ignored; without it the top byte must sign-extend VA[55].
TEST_F(S1Walk, TbiIgnoresTopByteOnlyForItsHalf) {
  const uint64_t va = 0x0000'0000'0040'3000;
  BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  CdConfig cd = MakeCd(12, 16, kTables);
  const uint64_t tagged = va | 0xAB00'0000'0000'0000;
  EXPECT_EQ(FaultOf(S1(cd, tagged)).type, EventType::F_TRANSLATION);
  cd.ttb[0].tbi = true;
  EXPECT_EQ(OutOf(S1(cd, tagged)), kOut);  // R-WALK-002: AddrTop = 55
  // Bits [55:48] still count with TBI.
  EXPECT_EQ(FaultOf(S1(cd, va | 0x0001'0000'0000'0000)).type, EventType::F_TRANSLATION);
  // TBI1 does not apply to the TTB0 half.
  cd.ttb[0].tbi = false;
  cd.ttb[1] = TtbConfig{.enabled = true, .tsz = 16, .granule_shift = 12, .ttb = kTables,
                        .tbi = true};
  EXPECT_EQ(FaultOf(S1(cd, tagged)).type, EventType::F_TRANSLATION);
}

// R-WALK-003: EPDx = 1 (enabled == false) faults every address of that half.
TEST_F(S1Walk, DisabledHalfIsTranslationFault) {
  const uint64_t va = 0x0000'0000'0040'3000;
  BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  CdConfig cd = MakeCd(12, 16, kTables);
  cd.ttb[1].enabled = false;
  const Fault f = FaultOf(S1(cd, 0xFFFF'FFFF'FFFF'F000));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);
  EXPECT_EQ(f.rule, std::string("R-WALK-003"));  // R-WALK-003
  cd.ttb[0].enabled = false;
  EXPECT_EQ(FaultOf(S1(cd, va)).rule, std::string("R-WALK-003"));
}

// R-WALK-001: the NS-EL2 StreamWorld has no TTB1: a VA with VA[55] = 1 is out of range even if
// TTB1 is (wrongly) decoded as enabled, and TBI0 does not make it valid either.
TEST_F(S1Walk, El2WorldHasNoTtb1) {
  const uint64_t va = 0xFFFF'8000'0040'3000;
  const uint64_t tagged_low = 0xAB00'0000'0040'3000;
  BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  BuildWalk(mem_, 12, 48, 0, 3, tagged_low, S1LeafDesc(kOut, 3), false);
  CdConfig cd = MakeCd(12, 16, kTables);
  cd.ttb[0].tbi = true;
  cd.ttb[1] = cd.ttb[0];
  EXPECT_EQ(OutOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1)), kOut);
  EXPECT_EQ(FaultOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl2)).type, EventType::F_TRANSLATION);
  EXPECT_EQ(OutOf(S1(cd, tagged_low, Access{.priv = true}, StreamWorld::kNsEl2)), kOut);
}

// ---- stage 1: address size, external abort, access flag -------------------------------------

// R-WALK-011: a next-level table address at or above 2^IPS is F_ADDR_SIZE at that level.
TEST_F(S1Walk, TableAddressAboveIpsIsAddressSizeFault) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const BuiltWalk w = BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  mem_.Write64(w.desc[0], S1TableDesc(uint64_t{1} << 40));
  CdConfig cd = MakeCd(12, 16, kTables);
  cd.ips_bits = 40;
  const Fault f = FaultOf(S1(cd, va));
  EXPECT_EQ(f.type, EventType::F_ADDR_SIZE);  // R-WALK-011
  EXPECT_EQ(f.level, 0);
  EXPECT_EQ(f.cls, FaultClass::IN);
}

// R-WALK-011: a block or page output at or above 2^IPS is F_ADDR_SIZE; it precedes AF and
// permission checks.
TEST_F(S1Walk, OutputAboveIpsIsAddressSizeFaultBeforeAccessFlag) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const uint64_t leaf = With(S1LeafDesc(uint64_t{1} << 36, 3), desc_s1::AF, 0);
  BuildWalk(mem_, 12, 48, 0, 3, va, leaf, false);
  CdConfig cd = MakeCd(12, 16, kTables);
  cd.ips_bits = 36;
  const Fault f = FaultOf(S1(cd, va, Access{.write = true}));
  EXPECT_EQ(f.type, EventType::F_ADDR_SIZE);  // R-WALK-011
  EXPECT_EQ(f.level, 3);
  cd.ips_bits = 40;
  EXPECT_EQ(FaultOf(S1(cd, va)).type, EventType::F_ACCESS);
}

// R-WALK-007: an abort reading a stage-1 descriptor is F_WALK_EABT, S2 = 0, CLASS = TT, with the
// PA read.
TEST_F(S1Walk, DescriptorReadAbortIsWalkEabtWithFetchAddr) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const BuiltWalk w = BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  mem_.AddAbortRange(w.desc[2], 8);
  const Fault f = FaultOf(S1(MakeCd(12, 16, kTables), va));
  EXPECT_EQ(f.type, EventType::F_WALK_EABT);  // R-WALK-007
  EXPECT_EQ(f.fetch_addr, w.desc[2]);
  EXPECT_FALSE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_EQ(f.level, 2);
}

// R-PERM-010: AF = 0 on the leaf is F_ACCESS unless CD.AFFD; it precedes permission faults.
TEST_F(S1Walk, AccessFlagZeroIsAccessFaultUnlessAffd) {
  const uint64_t va = 0x0000'0000'0040'3000;
  uint64_t leaf = With(S1LeafDesc(kOut, 3), desc_s1::AF, 0);
  leaf = With(leaf, desc_s1::AP, 0b10);  // read-only: a write would be a permission fault
  BuildWalk(mem_, 12, 48, 0, 3, va, leaf, false);
  CdConfig cd = MakeCd(12, 16, kTables);
  const Fault f = FaultOf(S1(cd, va, Access{.write = true, .priv = true}));
  EXPECT_EQ(f.type, EventType::F_ACCESS);  // R-PERM-010
  EXPECT_EQ(f.level, 3);
  EXPECT_FALSE(f.s2);
  cd.affd = true;
  EXPECT_EQ(FaultOf(S1(cd, va, Access{.write = true, .priv = true})).type,
            EventType::F_PERMISSION);
  EXPECT_EQ(OutOf(S1(cd, va, Access{.priv = true})), kOut);
}

// R-PERM-007: hierarchical APTable[1] on a table makes a writable page read-only (walk level).
TEST_F(S1Walk, ApTableOnTableDescriptorRemovesWrite) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const BuiltWalk w = BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false);
  mem_.Write64(w.desc[1], With(S1TableDesc(kTables + 2 * kStride), desc_s1::APTable, 0b10));
  CdConfig cd = MakeCd(12, 16, kTables);
  const Fault f = FaultOf(S1(cd, va, Access{.write = true, .priv = true}));
  EXPECT_EQ(f.type, EventType::F_PERMISSION);  // R-PERM-007
  EXPECT_EQ(f.rule, std::string("R-PERM-007"));
  cd.ttb[0].had = true;  // R-PERM-009
  EXPECT_EQ(OutOf(S1(cd, va, Access{.write = true, .priv = true})), kOut);
}

// ---- nested: stage 2 of the stage-1 table addresses -----------------------------------------

// Stage 2 identity-maps the 1 GiB at `ipa_base` to `pa_base` with one level-1 block.
S2Config MapS2Block(Memory& mem, uint64_t ipa_base, uint64_t pa_base, uint64_t leaf_flags = 0) {
  const S2Config s2 = MakeS2(12, 24, 1, 0x4000'0000);  // 40-bit IPA, 2 concatenated L1 tables
  const uint64_t index = ipa_base >> 30;
  mem.Write64(s2.ttb + index * 8, S2LeafDesc(pa_base, 1) | leaf_flags);
  return s2;
}

// R-WALK-013: stage-1 descriptors are read at the stage-2 output of their IPAs, and the stage-1
// output (an IPA) is returned untranslated.
TEST_F(S1NestedWalk, TableAddressesAreTranslatedByStage2) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const uint64_t s1_ipa = 0x2000'0000, s1_pa = 0xC000'0000 + 0x2000'0000;
  const S2Config s2 = MapS2Block(mem_, 0, 0xC000'0000);  // IPA [0,1G) -> PA [3G,4G)
  // Stage-1 tables live at PA s1_pa but are named by their IPAs inside the descriptors.
  const BuiltWalk w = BuildWalk(mem_, 12, 48, 0, 3, va, S1LeafDesc(kOut, 3), false, s1_pa);
  for (size_t i = 0; i + 1 < w.desc.size(); ++i) {
    mem_.Write64(w.desc[i], S1TableDesc(s1_ipa + (i + 1) * kStride));
  }
  const CdConfig cd = MakeCd(12, 16, s1_ipa);
  EXPECT_EQ(OutOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1, &s2)), kOut);  // R-WALK-013
  // Without stage 2 the same CD reads PA s1_ipa, where nothing was written.
  EXPECT_EQ(FaultOf(S1(cd, va)).level, 0);
}

// R-WALK-013: a stage-2 fault on a stage-1 descriptor address reports S2 = 1, CLASS = TT and
// IPA = the descriptor's IPA.
TEST_F(S1NestedWalk, Stage2FaultOnTableAddressIsClassTt) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const S2Config s2 = MapS2Block(mem_, 0, 0xC000'0000);
  const uint64_t ttb_ipa = 0x4000'0000 + 0x5000;  // second GiB: unmapped at stage 2
  const CdConfig cd = MakeCd(12, 16, ttb_ipa);
  const Fault f = FaultOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-013
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_EQ(f.ipa, ttb_ipa);  // VA[47:39] = 0: the first entry of the start table
  EXPECT_EQ(f.level, 1);      // stage-2 level that faulted
}

// R-WALK-014 via nesting: a stage-1 table IPA beyond the stage-2 input size is a stage-2
// Translation fault, CLASS = TT.
TEST_F(S1NestedWalk, TableAddressBeyondStage2InputIsStage2TranslationFault) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const S2Config s2 = MapS2Block(mem_, 0, 0xC000'0000);
  const uint64_t ttb_ipa = uint64_t{1} << 41;
  const Fault f = FaultOf(S1(MakeCd(12, 16, ttb_ipa), va, Access{.priv = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);
  EXPECT_EQ(f.rule, std::string("R-WALK-014"));
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_EQ(f.ipa, ttb_ipa);
}

// R-WALK-007: when nested, an abort on the stage-1 descriptor read itself is still S2 = 0,
// CLASS = TT; an abort on a stage-2 descriptor read for it is S2 = 1, CLASS = TT.
TEST_F(S1NestedWalk, WalkAbortsReportTheStageWhoseDescriptorWasRead) {
  const uint64_t va = 0x0000'0000'0040'3000;
  const S2Config s2 = MapS2Block(mem_, 0, 0xC000'0000);
  const CdConfig cd = MakeCd(12, 16, 0x1000);
  mem_.AddAbortRange(0xC000'1000, 8);  // PA of the stage-1 start descriptor
  Fault f = FaultOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(f.type, EventType::F_WALK_EABT);  // R-WALK-007
  EXPECT_FALSE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_EQ(f.fetch_addr, 0xC000'1000u);
  mem_.AddAbortRange(s2.ttb, 8);  // the stage-2 descriptor for IPA [0, 1G)
  f = FaultOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(f.type, EventType::F_WALK_EABT);
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_EQ(f.fetch_addr, s2.ttb);
  EXPECT_EQ(f.ipa, 0x1000u);
}

// R-PERM-014: stage-1 walk reads need stage-2 read permission (write-only is not enough) and
// the permission fault reports TTRnW = 1; read-only suffices.
TEST_F(S1NestedWalk, Stage2WriteOnlyTableIsPermissionFaultWithTtrnw) {
  const uint64_t va = 0x0000'0000'0040'3000;
  S2Config s2 = MapS2Block(mem_, 0, 0xC000'0000);
  mem_.Write64(s2.ttb, With(S2LeafDesc(0xC000'0000, 1), desc_s2::S2AP, 0b10));
  const CdConfig cd = MakeCd(12, 16, 0x1000);
  const Fault f = FaultOf(S1(cd, va, Access{.write = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(f.type, EventType::F_PERMISSION);
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_TRUE(f.ttrnw);  // R-PERM-014
  EXPECT_EQ(f.ipa, 0x1000u);
  mem_.Write64(s2.ttb, With(S2LeafDesc(0xC000'0000, 1), desc_s2::S2AP, 0b01));
  // Read-only at stage 2: the walk proceeds and meets the empty stage-1 table.
  const Fault g = FaultOf(S1(cd, va, Access{.write = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(g.type, EventType::F_TRANSLATION);
  EXPECT_FALSE(g.s2);
}

// R-PERM-015: with S2PTW a stage-1 walk access to stage-2 Device memory is a stage-2 permission
// fault with CLASS = TT; without S2PTW it proceeds.
TEST_F(S1NestedWalk, S2ptwForbidsWalksOnStage2DeviceMemory) {
  const uint64_t va = 0x0000'0000'0040'3000;
  S2Config s2 = MapS2Block(mem_, 0, 0xC000'0000);
  mem_.Write64(s2.ttb, With(S2LeafDesc(0xC000'0000, 1), desc_s2::MemAttr, 0b0001));
  const CdConfig cd = MakeCd(12, 16, 0x1000);
  EXPECT_EQ(FaultOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1, &s2)).s2, false);
  s2.ptw = true;
  const Fault f = FaultOf(S1(cd, va, Access{.priv = true}, StreamWorld::kNsEl1, &s2));
  EXPECT_EQ(f.type, EventType::F_PERMISSION);  // R-PERM-015
  EXPECT_EQ(f.rule, std::string("R-PERM-015"));
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::TT);
  EXPECT_TRUE(f.ttrnw);
  // The transaction's own input (CLASS = IN) may target Device memory.
  EXPECT_EQ(OutOf(S2(s2, 0x1000)), 0xC000'1000u);
}

// ---- stage 2 --------------------------------------------------------------------------------

// R-WALK-014: an IPA at or above 2^(64 - S2T0SZ) is a stage-2 Translation fault.
TEST_F(S2Walk, IpaAboveInputSizeIsTranslationFault) {
  const S2Config s2 = MakeS2(12, 24, 1, kTables);
  const Fault f = FaultOf(S2(s2, uint64_t{1} << 40, {}, FaultClass::IN));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-014
  EXPECT_EQ(f.rule, std::string("R-WALK-014"));
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::IN);
  EXPECT_EQ(f.ipa, uint64_t{1} << 40);
  EXPECT_EQ(f.level, 1);
}

struct S2Case {
  unsigned g;
  unsigned ia_bits;
  int start;
};

// R-WALK-015: every granule walks from each S2SL0 start level, including concatenated start
// tables whose index reaches above one table.
TEST_F(S2Walk, EveryGranuleWalksFromEveryStartLevel) {
  const S2Case cases[] = {
      {12, 48, 0}, {12, 40, 1}, {12, 39, 1}, {12, 34, 2}, {12, 30, 2},
      {14, 48, 1}, {14, 40, 2}, {14, 36, 2}, {14, 29, 3},
      {16, 48, 1}, {16, 46, 2}, {16, 42, 2}, {16, 33, 3},
  };
  for (const S2Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "g=" << c.g << " IA=" << c.ia_bits);
    mem_.Clear();
    const uint64_t ipa = 0x0000'A5A5'5A5A'A5A5 & Mask(c.ia_bits);
    BuildWalk(mem_, c.g, c.ia_bits, c.start, 3, ipa, S2LeafDesc(kOut, 3), true);
    const S2Config s2 = MakeS2(c.g, 64 - c.ia_bits, c.start, kTables);
    EXPECT_EQ(OutOf(S2(s2, ipa)), kOut | (ipa & Mask(c.g)));  // R-WALK-015
  }
}

// R-WALK-015: 16 concatenated 4KB level-1 tables: the start index has 13 bits and the entry for
// IPA[42:30] = 0x1FFF is the last of the 16 tables.
TEST_F(S2Walk, SixteenConcatenatedTablesExtendTheStartIndex) {
  const uint64_t ipa = 0x7FF'C000'0000 | 0x1234'5678;  // IPA[42:30] all ones
  S2Config s2 = MakeS2(12, 21, 1, kTables);
  s2.concat = 16;
  mem_.Write64(kTables + 0x1FFF * 8, S2LeafDesc(kOut & ~Mask(30), 1));
  EXPECT_EQ(OutOf(S2(s2, ipa)), (kOut & ~Mask(30)) | (ipa & Mask(30)));  // R-WALK-015
  // R-WALK-005: S2TTB bits below the 64KB concatenated size are ignored.
  s2.ttb = kTables | 0xF000;
  EXPECT_EQ(OutOf(S2(s2, ipa)), (kOut & ~Mask(30)) | (ipa & Mask(30)));
}

// R-WALK-009: stage 2 follows the same block rules.
TEST_F(S2Walk, BlocksFollowTheGranuleRules) {
  const uint64_t ipa = 0x0000'0012'3456'789A;
  BuildWalk(mem_, 12, 40, 1, 2, ipa, S2LeafDesc(kOut, 2), true);
  EXPECT_EQ(OutOf(S2(MakeS2(12, 24, 1, kTables), ipa)), kOut | (ipa & Mask(21)));
  mem_.Clear();
  BuildWalk(mem_, 16, 42, 2, 2, ipa, S2LeafDesc(kOut & ~Mask(29), 2), true);
  EXPECT_EQ(OutOf(S2(MakeS2(16, 22, 2, kTables), ipa)), (kOut & ~Mask(29)) | (ipa & Mask(29)));
  mem_.Clear();
  BuildWalk(mem_, 16, 48, 1, 1, ipa, S2LeafDesc(0, 1), true);
  const Fault f = FaultOf(S2(MakeS2(16, 16, 1, kTables), ipa, {}, FaultClass::CD));
  EXPECT_EQ(f.type, EventType::F_TRANSLATION);  // R-WALK-009
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::CD);
  EXPECT_EQ(f.ipa, ipa);
}

// R-WALK-011: stage-2 outputs are checked against the effective S2PS.
TEST_F(S2Walk, OutputAboveS2psIsAddressSizeFault) {
  const uint64_t ipa = 0x0000'0000'0040'3000;
  const BuiltWalk w = BuildWalk(mem_, 12, 40, 1, 3, ipa, S2LeafDesc(uint64_t{1} << 42, 3), true);
  S2Config s2 = MakeS2(12, 24, 1, kTables);
  s2.ps_bits = 42;
  Fault f = FaultOf(S2(s2, ipa));
  EXPECT_EQ(f.type, EventType::F_ADDR_SIZE);  // R-WALK-011
  EXPECT_EQ(f.level, 3);
  EXPECT_TRUE(f.s2);
  mem_.Write64(w.desc[0], S2TableDesc(uint64_t{1} << 43));
  f = FaultOf(S2(s2, ipa));
  EXPECT_EQ(f.type, EventType::F_ADDR_SIZE);
  EXPECT_EQ(f.level, 1);
}

// R-WALK-007: a stage-2 descriptor read abort reports S2 = 1 and the CLASS it was given.
TEST_F(S2Walk, DescriptorReadAbortIsStage2WalkEabt) {
  const uint64_t ipa = 0x0000'0000'0040'3000;
  const BuiltWalk w = BuildWalk(mem_, 12, 40, 1, 3, ipa, S2LeafDesc(kOut, 3), true);
  mem_.AddAbortRange(w.desc[1], 8);
  const Fault f = FaultOf(S2(MakeS2(12, 24, 1, kTables), ipa, {}, FaultClass::CD));
  EXPECT_EQ(f.type, EventType::F_WALK_EABT);  // R-WALK-007
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.cls, FaultClass::CD);
  EXPECT_EQ(f.fetch_addr, w.desc[1]);
}

// R-PERM-010: stage-2 AF = 0 is a stage-2 F_ACCESS unless S2AFFD.
TEST_F(S2Walk, AccessFlagZeroIsStage2AccessFaultUnlessS2affd) {
  const uint64_t ipa = 0x0000'0000'0040'3000;
  BuildWalk(mem_, 12, 40, 1, 3, ipa, With(S2LeafDesc(kOut, 3), desc_s2::AF, 0), true);
  S2Config s2 = MakeS2(12, 24, 1, kTables);
  const Fault f = FaultOf(S2(s2, ipa));
  EXPECT_EQ(f.type, EventType::F_ACCESS);  // R-PERM-010
  EXPECT_TRUE(f.s2);
  EXPECT_EQ(f.ipa, ipa);
  s2.affd = true;
  EXPECT_EQ(OutOf(S2(s2, ipa)), kOut);
}

// R-PERM-011: S2AP at the leaf decides data access at stage 2 (walk level).
TEST_F(S2Walk, ReadOnlyLeafDeniesWrites) {
  const uint64_t ipa = 0x0000'0000'0040'3000;
  BuildWalk(mem_, 12, 40, 1, 3, ipa, With(S2LeafDesc(kOut, 3), desc_s2::S2AP, 0b01), true);
  const S2Config s2 = MakeS2(12, 24, 1, kTables);
  EXPECT_EQ(OutOf(S2(s2, ipa)), kOut);
  const Fault f = FaultOf(S2(s2, ipa, Access{.write = true}));
  EXPECT_EQ(f.type, EventType::F_PERMISSION);  // R-PERM-011
  EXPECT_EQ(f.cls, FaultClass::IN);
  EXPECT_FALSE(f.ttrnw);
}

}  // namespace
}  // namespace smmuref::model::arch
