// The field tables themselves: structural checks, and golden positions written by hand from the
// spec's field descriptions (IHI0070 §5.2, §5.4, §7.3), independent of the .def files.
#include "smmuref/spec/tables.h"

#include <gtest/gtest.h>

using namespace smmuref::spec;

namespace {
void ExpectWellFormed(const FieldTable& t) {
  for (size_t i = 0; i < t.count; ++i) {
    const Field& f = t.fields[i];
    EXPECT_LE(f.lsb, f.msb) << t.structure << "." << f.name;
    EXPECT_EQ(f.lsb / 64, f.msb / 64) << t.structure << "." << f.name << " crosses a doubleword";
    EXPECT_LT(f.msb, t.dwords * 64) << t.structure << "." << f.name;
  }
}
}  // namespace

TEST(FieldTables, NoFieldCrossesADoubleword) {
  for (const FieldTable* t : {&L1StdTable(), &SteTable(), &L1CdTable(), &CdTable(), &DescS1Table(),
                              &DescS2Table(), &EventTable()}) {
    ExpectWellFormed(*t);
  }
}

TEST(FieldTables, SteGoldenPositions) {
  // Hand-transcribed from IHI0070 §5.2: DW2[37:32] S2T0SZ, DW2[58] S2R, DW1[27] S1STALLD,
  // DW0[63:59] S1CDMax, DW3[51:4] S2TTB.
  uint64_t ste[8] = {};
  ste[2] = uint64_t{0x19} << 32;
  EXPECT_EQ(Get(ste, ste::S2T0SZ), 0x19u);
  ste[2] = uint64_t{1} << 58;
  EXPECT_EQ(Get(ste, ste::S2R), 1u);
  ste[1] = uint64_t{1} << 27;
  EXPECT_EQ(Get(ste, ste::S1STALLD), 1u);
  ste[0] = uint64_t{0x1f} << 59;
  EXPECT_EQ(Get(ste, ste::S1CDMax), 0x1fu);
  ste[3] = 0x0000123456789ab0ull;
  EXPECT_EQ(Get(ste, ste::S2TTB) << 4, 0x0000123456789ab0ull);
}

TEST(FieldTables, CdGoldenPositions) {
  // IHI0070 §5.4: DW0[23:22] TG1, DW0[31] V, DW0[63:48] ASID, DW1 TTB0 [51:4], DW3 MAIR.
  uint64_t cd[8] = {};
  cd[0] = (uint64_t{2} << 22) | (uint64_t{1} << 31) | (uint64_t{0xbeef} << 48);
  EXPECT_EQ(Get(cd, cd::TG1), 2u);
  EXPECT_EQ(Get(cd, cd::V), 1u);
  EXPECT_EQ(Get(cd, cd::ASID), 0xbeefu);
  cd[1] = 0x000fedcba9876540ull;
  EXPECT_EQ(Get(cd, cd::TTB0) << 4, 0x000fedcba9876540ull);
  cd[3] = 0x1122334455667788ull;
  EXPECT_EQ(Get(cd, cd::MAIR0), 0x55667788u);
  EXPECT_EQ(Get(cd, cd::MAIR1), 0x11223344u);
}

TEST(EventRecord, EncodeDecodeRoundTripsEveryField) {
  EventRecord e;
  e.type = EventType::F_PERMISSION;
  e.sid = 0x12345678;
  e.ssv = true;
  e.ssid = 0xabcde;
  e.pnu = e.ind = e.rnw = e.s2 = e.ttrnw = true;
  e.cls = FaultClass::TT;
  e.input_addr = 0xff00123456789abcull;
  e.ipa = 0x00ffffffff000ull;
  uint64_t dw[4];
  EncodeEvent(e, dw);
  // Golden positions from IHI0070 §7.3: ID DW0[7:0], SSV DW0[11], StreamID DW0[63:32],
  // RnW DW1[35], S2 DW1[39], CLASS DW1[41:40], InputAddr DW2.
  EXPECT_EQ(dw[0] & 0xff, 0x13u);
  EXPECT_EQ((dw[0] >> 11) & 1, 1u);
  EXPECT_EQ(dw[0] >> 32, 0x12345678u);
  EXPECT_EQ((dw[1] >> 35) & 1, 1u);
  EXPECT_EQ((dw[1] >> 39) & 1, 1u);
  EXPECT_EQ((dw[1] >> 40) & 3, 1u);
  EXPECT_EQ(dw[2], e.input_addr);
  EXPECT_EQ(DecodeEvent(dw), e);
}

TEST(EventRecord, FetchFaultsCarryFetchAddr) {
  EventRecord e;
  e.type = EventType::F_STE_FETCH;
  e.fetch_addr = 0x00fedcba98765438ull;
  uint64_t dw[4];
  EncodeEvent(e, dw);
  EXPECT_EQ(dw[3], 0x00fedcba98765438ull);  // FetchAddr[55:3] in DW3[55:3]
  EXPECT_EQ(DecodeEvent(dw).fetch_addr, e.fetch_addr);
}

TEST(Registers, OffsetsMatchTheRegisterMap) {
  // IHI0070 §6.2: Page 0 offsets; EVENTQ_PROD/CONS in Page 1.
  EXPECT_EQ(RegOffset(Reg::CR0), 0x20u);
  EXPECT_EQ(RegOffset(Reg::STRTAB_BASE), 0x80u);
  EXPECT_EQ(RegOffset(Reg::CMDQ_CONS), 0x9cu);
  EXPECT_EQ(RegOffset(Reg::EVENTQ_PROD), 0x100a8u);
  Reg r;
  ASSERT_TRUE(RegByOffset(0x44, &r));
  EXPECT_EQ(r, Reg::GBPA);
  EXPECT_TRUE(ParseReg("SMMU_CR2", &r));
  EXPECT_EQ(r, Reg::CR2);
  EXPECT_FALSE(ParseReg("CR9", &r));
}
