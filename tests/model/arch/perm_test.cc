// Tests for model/arch/perm.cc: stage-1 and stage-2 permission checks and the access flag on
// single descriptors. Walk-level cases (APTable through a walk, S2PTW, TTRnW) are in
// walk_test.cc.
#include "smmuref/model/arch/perm.h"

#include <gtest/gtest.h>

#include <string>

#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {
namespace {

namespace desc_s1 = spec::desc_s1;
namespace desc_s2 = spec::desc_s2;

constexpr Access kPrivRead{.write = false, .instr = false, .priv = true};
constexpr Access kPrivWrite{.write = true, .instr = false, .priv = true};
constexpr Access kPrivExec{.write = false, .instr = true, .priv = true};
constexpr Access kUserRead{.write = false, .instr = false, .priv = false};
constexpr Access kUserWrite{.write = true, .instr = false, .priv = false};
constexpr Access kUserExec{.write = false, .instr = true, .priv = false};

uint64_t S1Page(unsigned ap, bool pxn = false, bool uxn = false) {
  uint64_t d = 0;
  spec::Set(&d, desc_s1::Valid, 1);
  spec::Set(&d, desc_s1::Type, 1);
  spec::Set(&d, desc_s1::AF, 1);
  spec::Set(&d, desc_s1::AP, ap);
  spec::Set(&d, desc_s1::PXN, pxn ? 1 : 0);
  spec::Set(&d, desc_s1::UXN, uxn ? 1 : 0);
  return d;
}

uint64_t S2Page(unsigned s2ap, unsigned xn = 0, unsigned memattr = 0xF) {
  uint64_t d = 0;
  spec::Set(&d, desc_s2::Valid, 1);
  spec::Set(&d, desc_s2::Type, 1);
  spec::Set(&d, desc_s2::AF, 1);
  spec::Set(&d, desc_s2::S2AP, s2ap);
  spec::Set(&d, desc_s2::XN, xn);
  spec::Set(&d, desc_s2::MemAttr, memattr);
  return d;
}

bool Allowed(uint64_t leaf, Access a, StreamWorld w = StreamWorld::kNsEl1, CdConfig cd = {},
             S1TableAttrs t = {}) {
  return CheckS1Permission(leaf, t, w, cd, a) == nullptr;
}

std::string Rule(const char* r) { return r == nullptr ? "permitted" : r; }

// R-PERM-001: the AP[2:1] table for EL1&0-type regimes, in both NS-EL1 and EL2-E2H.
TEST(PermS1, ApGrantsDataAccessPerPrivilege) {
  struct Row {
    unsigned ap;
    bool priv_r, priv_w, user_r, user_w;
  } rows[] = {
      {0b00, true, true, false, false},
      {0b01, true, true, true, true},
      {0b10, true, false, false, false},
      {0b11, true, false, true, false},
  };
  for (StreamWorld w : {StreamWorld::kNsEl1, StreamWorld::kNsEl2E2H}) {
    for (const Row& r : rows) {
      SCOPED_TRACE(testing::Message() << "AP=" << r.ap << " world=" << static_cast<int>(w));
      const uint64_t leaf = S1Page(r.ap);
      EXPECT_EQ(Allowed(leaf, kPrivRead, w), r.priv_r);  // R-PERM-001
      EXPECT_EQ(Allowed(leaf, kPrivWrite, w), r.priv_w);
      EXPECT_EQ(Allowed(leaf, kUserRead, w), r.user_r);
      EXPECT_EQ(Allowed(leaf, kUserWrite, w), r.user_w);
    }
  }
  EXPECT_EQ(Rule(CheckS1Permission(S1Page(0b10), {}, StreamWorld::kNsEl1, {}, kPrivWrite)),
            "R-PERM-001");
}

// R-PERM-002: NS-EL2 has one privilege level: AP[1] is ignored, AP[2] selects read-only, PXN and
// PAN do nothing and XN (bit 54) controls execution.
TEST(PermS1, El2WorldIgnoresAp1PxnAndPan) {
  const StreamWorld el2 = StreamWorld::kNsEl2;
  CdConfig pan;
  pan.pan = true;
  EXPECT_TRUE(Allowed(S1Page(0b00), kUserRead, el2));   // AP[1] = 0 does not deny
  EXPECT_TRUE(Allowed(S1Page(0b00), kUserWrite, el2));  // R-PERM-002
  EXPECT_FALSE(Allowed(S1Page(0b10), kPrivWrite, el2));
  EXPECT_TRUE(Allowed(S1Page(0b01), kPrivRead, el2, pan));      // no PAN
  EXPECT_TRUE(Allowed(S1Page(0b01, true, false), kPrivExec, el2));  // PXN ignored
  EXPECT_TRUE(Allowed(S1Page(0b01), kPrivExec, el2));  // no implicit PXN either
  EXPECT_EQ(Rule(CheckS1Permission(S1Page(0b00, false, true), {}, el2, {}, kPrivExec)),
            "R-PERM-002");
  S1TableAttrs table;
  table.pxn = true;
  table.no_el0 = true;
  EXPECT_TRUE(Allowed(S1Page(0b00), kPrivExec, el2, {}, table));  // PXNTable ignored
  EXPECT_TRUE(Allowed(S1Page(0b00), kUserRead, el2, {}, table));  // APTable[0] ignored
}

// R-PERM-003: an instruction fetch needs execute permission only: EL0 can execute AP = 0b00
// memory it cannot read; UXN / PXN deny their privilege.
TEST(PermS1, InstructionFetchChecksOnlyExecute) {
  EXPECT_FALSE(Allowed(S1Page(0b00), kUserRead));
  EXPECT_TRUE(Allowed(S1Page(0b00), kUserExec));  // R-PERM-003: EL0 execute-only
  EXPECT_FALSE(Allowed(S1Page(0b00, false, true), kUserExec));
  EXPECT_TRUE(Allowed(S1Page(0b00, false, true), kPrivExec));
  EXPECT_FALSE(Allowed(S1Page(0b00, true, false), kPrivExec));
  EXPECT_TRUE(Allowed(S1Page(0b11, true, false), kUserExec));
}

// R-PERM-004: memory writable at EL0 is never executable by privileged fetches.
TEST(PermS1, El0WritablePageIsImplicitlyPxn) {
  EXPECT_FALSE(Allowed(S1Page(0b01), kPrivExec));  // R-PERM-004
  EXPECT_EQ(Rule(CheckS1Permission(S1Page(0b01), {}, StreamWorld::kNsEl1, {}, kPrivExec)),
            "R-PERM-004");
  EXPECT_TRUE(Allowed(S1Page(0b01), kUserExec));
  EXPECT_TRUE(Allowed(S1Page(0b11), kPrivExec));  // EL0 read-only: no implicit PXN
}

// R-PERM-005: with CD.WXN, memory writable at the fetching privilege is not executable.
TEST(PermS1, WxnMakesWritablePagesNotExecutable) {
  CdConfig wxn;
  wxn.wxn = true;
  EXPECT_FALSE(Allowed(S1Page(0b00), kPrivExec, StreamWorld::kNsEl1, wxn));  // R-PERM-005
  EXPECT_TRUE(Allowed(S1Page(0b10), kPrivExec, StreamWorld::kNsEl1, wxn));
  EXPECT_FALSE(Allowed(S1Page(0b01), kUserExec, StreamWorld::kNsEl1, wxn));
  EXPECT_TRUE(Allowed(S1Page(0b00), kUserExec, StreamWorld::kNsEl1, wxn));  // EL0 cannot write
  EXPECT_TRUE(Allowed(S1Page(0b00), kPrivExec));
  EXPECT_FALSE(Allowed(S1Page(0b00), kPrivExec, StreamWorld::kNsEl2, wxn));
  EXPECT_TRUE(Allowed(S1Page(0b10), kPrivExec, StreamWorld::kNsEl2, wxn));
}

// R-PERM-006: CD.PAN denies privileged data accesses to EL0-accessible memory, not fetches.
TEST(PermS1, PanDeniesPrivilegedDataAccessToUserPages) {
  CdConfig pan;
  pan.pan = true;
  for (StreamWorld w : {StreamWorld::kNsEl1, StreamWorld::kNsEl2E2H}) {
    EXPECT_FALSE(Allowed(S1Page(0b01), kPrivRead, w, pan));  // R-PERM-006
    EXPECT_FALSE(Allowed(S1Page(0b11), kPrivRead, w, pan));
    EXPECT_FALSE(Allowed(S1Page(0b01), kPrivWrite, w, pan));
    EXPECT_TRUE(Allowed(S1Page(0b00), kPrivRead, w, pan));
    EXPECT_TRUE(Allowed(S1Page(0b11), kPrivExec, w, pan));
    EXPECT_TRUE(Allowed(S1Page(0b01), kUserRead, w, pan));
  }
  S1TableAttrs no_el0;
  no_el0.no_el0 = true;  // EL0 has no access through this table: PAN does not apply
  EXPECT_TRUE(Allowed(S1Page(0b01), kPrivRead, StreamWorld::kNsEl1, pan, no_el0));
}

uint64_t TableDesc(unsigned ap_table, bool uxn_table, bool pxn_table) {
  uint64_t d = 0;
  spec::Set(&d, desc_s1::Valid, 1);
  spec::Set(&d, desc_s1::Type, 1);
  spec::Set(&d, desc_s1::APTable, ap_table);
  spec::Set(&d, desc_s1::UXNTable, uxn_table ? 1 : 0);
  spec::Set(&d, desc_s1::PXNTable, pxn_table ? 1 : 0);
  return d;
}

// R-PERM-007: APTable[1] removes write access, APTable[0] removes EL0 access below the table.
TEST(PermS1, ApTableRestrictsEverythingBelow) {
  S1TableAttrs t;
  AccumulateTableAttrs(TableDesc(0b10, false, false), false, &t);
  EXPECT_TRUE(t.no_write);
  EXPECT_FALSE(Allowed(S1Page(0b01), kPrivWrite, StreamWorld::kNsEl1, {}, t));  // R-PERM-007
  EXPECT_FALSE(Allowed(S1Page(0b01), kUserWrite, StreamWorld::kNsEl1, {}, t));
  EXPECT_TRUE(Allowed(S1Page(0b01), kUserRead, StreamWorld::kNsEl1, {}, t));
  EXPECT_FALSE(Allowed(S1Page(0b00), kPrivWrite, StreamWorld::kNsEl2, {}, t));
  S1TableAttrs u;
  AccumulateTableAttrs(TableDesc(0b01, false, false), false, &u);
  EXPECT_TRUE(u.no_el0);
  EXPECT_FALSE(Allowed(S1Page(0b01), kUserRead, StreamWorld::kNsEl1, {}, u));
  EXPECT_TRUE(Allowed(S1Page(0b01), kPrivWrite, StreamWorld::kNsEl1, {}, u));
  // Bits accumulate across levels.
  AccumulateTableAttrs(TableDesc(0b00, false, false), false, &u);
  EXPECT_TRUE(u.no_el0);
}

// R-PERM-008: UXNTable and PXNTable make everything below not executable at that privilege.
TEST(PermS1, XnTableBitsDenyExecutionBelow) {
  S1TableAttrs t;
  AccumulateTableAttrs(TableDesc(0, true, false), false, &t);
  EXPECT_FALSE(Allowed(S1Page(0b11), kUserExec, StreamWorld::kNsEl1, {}, t));  // R-PERM-008
  EXPECT_TRUE(Allowed(S1Page(0b11), kPrivExec, StreamWorld::kNsEl1, {}, t));
  EXPECT_FALSE(Allowed(S1Page(0b10), kPrivExec, StreamWorld::kNsEl2, {}, t));  // XNTable
  S1TableAttrs p;
  AccumulateTableAttrs(TableDesc(0, false, true), false, &p);
  EXPECT_FALSE(Allowed(S1Page(0b11), kPrivExec, StreamWorld::kNsEl1, {}, p));
  EXPECT_TRUE(Allowed(S1Page(0b11), kUserExec, StreamWorld::kNsEl1, {}, p));
}

// R-PERM-009: with HADx the hierarchical bits are ignored.
TEST(PermS1, HadIgnoresHierarchicalBits) {
  S1TableAttrs t;
  AccumulateTableAttrs(TableDesc(0b11, true, true), true, &t);  // R-PERM-009
  EXPECT_FALSE(t.no_write);
  EXPECT_FALSE(t.no_el0);
  EXPECT_FALSE(t.uxn);
  EXPECT_FALSE(t.pxn);
}

// R-PERM-010: AF = 0 faults unless AFFD, at either stage.
TEST(PermAccessFlag, AfZeroFaultsUnlessAffd) {
  const uint64_t s1 = S1Page(0b00);
  const uint64_t s1_af0 = s1 & ~(uint64_t{1} << desc_s1::AF.lsb);
  EXPECT_FALSE(S1AccessFlagFaults(s1, false));
  EXPECT_TRUE(S1AccessFlagFaults(s1_af0, false));  // R-PERM-010
  EXPECT_FALSE(S1AccessFlagFaults(s1_af0, true));
  const uint64_t s2_af0 = S2Page(3) & ~(uint64_t{1} << desc_s2::AF.lsb);
  EXPECT_TRUE(S2AccessFlagFaults(s2_af0, false));
  EXPECT_FALSE(S2AccessFlagFaults(s2_af0, true));
  EXPECT_FALSE(S2AccessFlagFaults(S2Page(3), false));
}

// R-PERM-011: S2AP 0b00 none, 0b01 read-only, 0b10 write-only, 0b11 read/write.
TEST(PermS2, S2apGrantsDataAccess) {
  const bool read[] = {false, true, false, true};
  const bool write[] = {false, false, true, true};
  for (unsigned ap = 0; ap < 4; ++ap) {
    SCOPED_TRACE(ap);
    for (Access a : {kPrivRead, kUserRead}) {
      EXPECT_EQ(CheckS2Permission(S2Page(ap), a, true) == nullptr, read[ap]);  // R-PERM-011
    }
    for (Access a : {kPrivWrite, kUserWrite}) {
      EXPECT_EQ(CheckS2Permission(S2Page(ap), a, true) == nullptr, write[ap]);
    }
  }
}

// R-PERM-012: with IDR3.XNX, XN[1:0] 0b00 both, 0b01 not EL1, 0b10 neither, 0b11 not EL0.
TEST(PermS2, XnxSplitsExecutePermissionByPrivilege) {
  const bool priv_x[] = {true, false, false, true};
  const bool user_x[] = {true, true, false, false};
  for (unsigned xn = 0; xn < 4; ++xn) {
    SCOPED_TRACE(xn);
    EXPECT_EQ(CheckS2Permission(S2Page(3, xn), kPrivExec, true) == nullptr, priv_x[xn]);
    EXPECT_EQ(CheckS2Permission(S2Page(3, xn), kUserExec, true) == nullptr, user_x[xn]);
  }
  EXPECT_EQ(Rule(CheckS2Permission(S2Page(3, 2), kPrivExec, true)), "R-PERM-012");
  // Execute does not need S2AP read permission.
  EXPECT_TRUE(CheckS2Permission(S2Page(0, 0), kUserExec, true) == nullptr);
}

// R-PERM-013: without XNX only XN[1] counts and XN[0] is ignored.
TEST(PermS2, WithoutXnxOnlyXn1Counts) {
  EXPECT_TRUE(CheckS2Permission(S2Page(3, 1), kPrivExec, false) == nullptr);  // R-PERM-013
  EXPECT_TRUE(CheckS2Permission(S2Page(3, 1), kUserExec, false) == nullptr);
  EXPECT_EQ(Rule(CheckS2Permission(S2Page(3, 2), kUserExec, false)), "R-PERM-013");
  EXPECT_EQ(Rule(CheckS2Permission(S2Page(3, 3), kPrivExec, false)), "R-PERM-013");
}

// R-PERM-015: MemAttr[3:2] == 0b00 is Device memory for S2PTW.
TEST(PermS2, MemAttrTopBitsZeroIsDevice) {
  EXPECT_TRUE(S2LeafIsDevice(S2Page(3, 0, 0b0000)));  // R-PERM-015
  EXPECT_TRUE(S2LeafIsDevice(S2Page(3, 0, 0b0011)));
  EXPECT_FALSE(S2LeafIsDevice(S2Page(3, 0, 0b0101)));
  EXPECT_FALSE(S2LeafIsDevice(S2Page(3, 0, 0b1111)));
}

}  // namespace
}  // namespace smmuref::model::arch
