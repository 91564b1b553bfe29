// The driver's own transcription of the SMMUv3 structure layouts it writes: the stream table
// entry [IHI0070 §5.2], the context descriptor [§5.4], the L1 CD descriptor [§5.3.1], the
// VMSAv8-64 stage-1 and stage-2 translation table descriptors [DDI0487 D8.3] and the command
// formats [IHI0070 §4]. One mask per field, in the field/value grammar of Linux's arm-smmu-v3.h
// (FIELD_PREP/FIELD_GET over a GENMASK), with the named values next to their field. Masks are
// per 64-bit doubleword: `kDw1S1DSS` is a field of doubleword 1.
//
// This header is an independent transcription: it includes neither the model's headers nor the
// spec field tables (spec/fields/*.def), so that a transcription mistake shows up as a
// disagreement with the model (tests/impl/driver/layout_test.cc decodes every builder's words
// with the model) instead of hiding in shared code.
#pragma once

#include <array>
#include <cstdint>

namespace smmuref::impl::driver {
// The doublewords of an STE or a CD (both are 64 bytes).
using Entry = std::array<uint64_t, 8>;
}  // namespace smmuref::impl::driver

namespace smmuref::impl::driver::layout {

// Bits [hi:lo] of a doubleword.
constexpr uint64_t Bits(unsigned hi, unsigned lo) {
  return (~uint64_t{0} >> (63 - hi)) & (~uint64_t{0} << lo);
}
constexpr uint64_t Bit(unsigned n) { return uint64_t{1} << n; }
// `value` placed in the field `mask` (bits of `value` beyond the field are dropped).
constexpr uint64_t Prep(uint64_t mask, uint64_t value) {
  return (value << __builtin_ctzll(mask)) & mask;
}
// The field `mask` of `word`, shifted down.
constexpr uint64_t Get(uint64_t mask, uint64_t word) {
  return (word & mask) >> __builtin_ctzll(mask);
}

// Stream table entry, 8 doublewords [IHI0070 §5.2].
namespace ste {
inline constexpr unsigned kDwords = 8;
inline constexpr uint64_t kDw0V = Bit(0);
inline constexpr uint64_t kDw0Config = Bits(3, 1);
inline constexpr uint64_t kConfigAbort = 0b000;
inline constexpr uint64_t kConfigBypass = 0b100;
inline constexpr uint64_t kConfigS1 = 0b101;      // stage 1 translates, stage 2 bypassed
inline constexpr uint64_t kConfigS2 = 0b110;      // stage 1 bypassed, stage 2 translates
inline constexpr uint64_t kConfigNested = 0b111;  // both stages translate
inline constexpr uint64_t kDw0S1Fmt = Bits(5, 4);
inline constexpr uint64_t kS1FmtLinear = 0b00;
inline constexpr uint64_t kS1Fmt4KLeaves = 0b01;   // 2-level, 64 CDs per leaf
inline constexpr uint64_t kS1Fmt64KLeaves = 0b10;  // 2-level, 1024 CDs per leaf
inline constexpr uint64_t kDw0S1ContextPtr = Bits(55, 6);  // the address's own bits [55:6]
inline constexpr uint64_t kDw0S1CDMax = Bits(63, 59);
inline constexpr uint64_t kDw1S1DSS = Bits(1, 0);
inline constexpr uint64_t kS1DSSTerminate = 0b00;
inline constexpr uint64_t kS1DSSBypass = 0b01;
inline constexpr uint64_t kS1DSSSubstream0 = 0b10;
inline constexpr uint64_t kDw1S1CIR = Bits(3, 2);
inline constexpr uint64_t kDw1S1COR = Bits(5, 4);
inline constexpr uint64_t kDw1S1CSH = Bits(7, 6);
inline constexpr uint64_t kDw1MEV = Bit(19);
inline constexpr uint64_t kDw1S1STALLD = Bit(27);
inline constexpr uint64_t kDw1EATS = Bits(29, 28);
inline constexpr uint64_t kDw1STRW = Bits(31, 30);
inline constexpr uint64_t kStrwNsEl1 = 0b00;
inline constexpr uint64_t kStrwNsEl2 = 0b10;
inline constexpr uint64_t kDw1MemAttr = Bits(35, 32);
inline constexpr uint64_t kDw1MTCFG = Bit(36);
inline constexpr uint64_t kDw1ALLOCCFG = Bits(40, 37);
inline constexpr uint64_t kDw1SHCFG = Bits(45, 44);
inline constexpr uint64_t kShcfgIncoming = 0b01;
inline constexpr uint64_t kDw1NSCFG = Bits(47, 46);
inline constexpr uint64_t kDw1PRIVCFG = Bits(49, 48);
inline constexpr uint64_t kDw1INSTCFG = Bits(51, 50);
inline constexpr uint64_t kDw2S2VMID = Bits(15, 0);
inline constexpr uint64_t kDw2S2T0SZ = Bits(37, 32);
inline constexpr uint64_t kDw2S2SL0 = Bits(39, 38);
inline constexpr uint64_t kDw2S2IR0 = Bits(41, 40);
inline constexpr uint64_t kDw2S2OR0 = Bits(43, 42);
inline constexpr uint64_t kDw2S2SH0 = Bits(45, 44);
inline constexpr uint64_t kDw2S2TG = Bits(47, 46);
inline constexpr uint64_t kS2TG4K = 0b00;
inline constexpr uint64_t kS2TG64K = 0b01;
inline constexpr uint64_t kS2TG16K = 0b10;
inline constexpr uint64_t kDw2S2PS = Bits(50, 48);
inline constexpr uint64_t kDw2VTCR = Bits(50, 32);  // S2T0SZ..S2PS, the VTCR_EL2 image
inline constexpr uint64_t kDw2S2AA64 = Bit(51);
inline constexpr uint64_t kDw2S2ENDI = Bit(52);
inline constexpr uint64_t kDw2S2AFFD = Bit(53);
inline constexpr uint64_t kDw2S2PTW = Bit(54);
inline constexpr uint64_t kDw2S2HD = Bit(55);
inline constexpr uint64_t kDw2S2HA = Bit(56);
inline constexpr uint64_t kDw2S2S = Bit(57);
inline constexpr uint64_t kDw2S2R = Bit(58);
inline constexpr uint64_t kDw2S2HAFT = Bit(59);
inline constexpr uint64_t kDw3S2TTB = Bits(55, 4);  // the address's own bits [55:4]
}  // namespace ste

// Context descriptor, 8 doublewords [IHI0070 §5.4].
namespace cd {
inline constexpr unsigned kDwords = 8;
inline constexpr uint64_t kDw0T0SZ = Bits(5, 0);
inline constexpr uint64_t kDw0TG0 = Bits(7, 6);
inline constexpr uint64_t kTG0_4K = 0b00;
inline constexpr uint64_t kTG0_64K = 0b01;
inline constexpr uint64_t kTG0_16K = 0b10;
inline constexpr uint64_t kDw0IRGN0 = Bits(9, 8);
inline constexpr uint64_t kDw0ORGN0 = Bits(11, 10);
inline constexpr uint64_t kDw0SH0 = Bits(13, 12);
inline constexpr uint64_t kDw0EPD0 = Bit(14);
inline constexpr uint64_t kDw0ENDI = Bit(15);
inline constexpr uint64_t kDw0T1SZ = Bits(21, 16);
inline constexpr uint64_t kDw0TG1 = Bits(23, 22);  // a different encoding from TG0
inline constexpr uint64_t kTG1_16K = 0b01;
inline constexpr uint64_t kTG1_4K = 0b10;
inline constexpr uint64_t kTG1_64K = 0b11;
inline constexpr uint64_t kDw0IRGN1 = Bits(25, 24);
inline constexpr uint64_t kDw0ORGN1 = Bits(27, 26);
inline constexpr uint64_t kDw0SH1 = Bits(29, 28);
inline constexpr uint64_t kDw0EPD1 = Bit(30);
inline constexpr uint64_t kDw0V = Bit(31);
inline constexpr uint64_t kDw0IPS = Bits(34, 32);
inline constexpr uint64_t kDw0AFFD = Bit(35);
inline constexpr uint64_t kDw0WXN = Bit(36);
inline constexpr uint64_t kDw0UWXN = Bit(37);
inline constexpr uint64_t kDw0TBI0 = Bit(38);
inline constexpr uint64_t kDw0TBI1 = Bit(39);
inline constexpr uint64_t kDw0PAN = Bit(40);
inline constexpr uint64_t kDw0AA64 = Bit(41);
inline constexpr uint64_t kDw0HD = Bit(42);
inline constexpr uint64_t kDw0HA = Bit(43);
inline constexpr uint64_t kDw0S = Bit(44);
inline constexpr uint64_t kDw0R = Bit(45);
inline constexpr uint64_t kDw0A = Bit(46);
inline constexpr uint64_t kDw0ASET = Bit(47);
inline constexpr uint64_t kDw0ASID = Bits(63, 48);
// The translation-table half 0 fields of DW0 (IGNORED with EPD0=1) and half 1 (with EPD1=1).
inline constexpr uint64_t kDw0Half0 = kDw0T0SZ | kDw0TG0 | kDw0IRGN0 | kDw0ORGN0 | kDw0SH0;
inline constexpr uint64_t kDw0Half1 = kDw0T1SZ | kDw0TG1 | kDw0IRGN1 | kDw0ORGN1 | kDw0SH1;
inline constexpr uint64_t kDw1NSCFG0 = Bit(0);
inline constexpr uint64_t kDw1HAD0 = Bit(1);
inline constexpr uint64_t kDw1TTB0 = Bits(55, 4);  // the address's own bits [55:4]
inline constexpr uint64_t kDw2NSCFG1 = Bit(0);
inline constexpr uint64_t kDw2HAD1 = Bit(1);
inline constexpr uint64_t kDw2TTB1 = Bits(55, 4);
inline constexpr uint64_t kDw3MAIR = Bits(63, 0);  // MAIR0 in [31:0], MAIR1 in [63:32]
}  // namespace cd

// L1 context descriptor, one doubleword [IHI0070 §5.3.1].
namespace l1cd {
inline constexpr uint64_t kV = Bit(0);
inline constexpr uint64_t kL2Ptr = Bits(55, 12);  // the address's own bits [55:12]
}  // namespace l1cd

// Level-1 stream table descriptor, one doubleword [IHI0070 §5.1]. Span = log2(STEs in the level-2
// table) + 1; 0 means the descriptor is invalid.
namespace l1std {
inline constexpr uint64_t kSpan = Bits(4, 0);
inline constexpr uint64_t kL2Ptr = Bits(55, 6);  // the address's own bits [55:6]
}  // namespace l1std

// The registers the driver programs, field by field [IHI0070 §6.3]. Register offsets are not
// here: the bus names registers by spec::Reg.
namespace reg {
inline constexpr uint64_t kIdr0S2P = Bit(0);
inline constexpr uint64_t kIdr0S1P = Bit(1);
inline constexpr uint64_t kIdr0TTF = Bits(3, 2);
inline constexpr uint64_t kTtfAArch64 = 0b10;
inline constexpr uint64_t kTtfBoth = 0b11;
inline constexpr uint64_t kIdr0COHACC = Bit(4);
inline constexpr uint64_t kIdr0HYP = Bit(9);
inline constexpr uint64_t kIdr0ASID16 = Bit(12);
inline constexpr uint64_t kIdr0VMID16 = Bit(18);
inline constexpr uint64_t kIdr0CD2L = Bit(19);
inline constexpr uint64_t kIdr0STLevel = Bits(28, 27);
inline constexpr uint64_t kStLevelLinear = 0b00;
inline constexpr uint64_t kStLevel2 = 0b01;
inline constexpr uint64_t kIdr1SIDSIZE = Bits(5, 0);
inline constexpr uint64_t kIdr1SSIDSIZE = Bits(10, 6);
inline constexpr uint64_t kIdr1EVENTQS = Bits(20, 16);
inline constexpr uint64_t kIdr1CMDQS = Bits(25, 21);
inline constexpr uint64_t kIdr1ATTR_TYPES_OVR = Bit(27);
inline constexpr uint64_t kIdr3RIL = Bit(10);
inline constexpr uint64_t kIdr5OAS = Bits(2, 0);
inline constexpr uint64_t kIdr5GRAN4K = Bit(4);
inline constexpr uint64_t kIdr5GRAN16K = Bit(5);
inline constexpr uint64_t kIdr5GRAN64K = Bit(6);
inline constexpr uint64_t kCr0SMMUEN = Bit(0);
inline constexpr uint64_t kCr0EVENTQEN = Bit(2);
inline constexpr uint64_t kCr0CMDQEN = Bit(3);
inline constexpr uint64_t kCr1QueueIC = Bits(1, 0);
inline constexpr uint64_t kCr1QueueOC = Bits(3, 2);
inline constexpr uint64_t kCr1QueueSH = Bits(5, 4);
inline constexpr uint64_t kCr1TableIC = Bits(7, 6);
inline constexpr uint64_t kCr1TableOC = Bits(9, 8);
inline constexpr uint64_t kCr1TableSH = Bits(11, 10);
inline constexpr uint64_t kCacheWB = 0b01;  // write-back, read/write allocate
inline constexpr uint64_t kShInner = 0b11;
inline constexpr uint64_t kCr2RECINVSID = Bit(1);
inline constexpr uint64_t kGerrorCMDQ_ERR = Bit(0);
inline constexpr uint64_t kStrtabBaseRA = Bit(62);
inline constexpr uint64_t kStrtabBaseADDR = Bits(55, 6);  // the address's own bits [55:6]
inline constexpr uint64_t kStrtabCfgLOG2SIZE = Bits(5, 0);
inline constexpr uint64_t kStrtabCfgSPLIT = Bits(10, 6);
inline constexpr uint64_t kStrtabCfgFMT = Bits(17, 16);
inline constexpr uint64_t kStrtabFmtLinear = 0b00;
inline constexpr uint64_t kStrtabFmt2Level = 0b01;
inline constexpr uint64_t kQueueBaseRWA = Bit(62);        // CMDQ_BASE.RA, EVENTQ_BASE.WA
inline constexpr uint64_t kQueueBaseADDR = Bits(55, 5);   // the address's own bits [55:5]
inline constexpr uint64_t kQueueBaseLOG2SIZE = Bits(4, 0);
inline constexpr uint64_t kQueueWR = Bits(19, 0);         // PROD.WR / CONS.RD: index and wrap
inline constexpr uint64_t kCmdqConsERR = Bits(30, 24);
inline constexpr uint64_t kCerrorNone = 0, kCerrorIll = 1, kCerrorAbt = 2, kCerrorAtcInvSync = 3;
}  // namespace reg

// VMSAv8-64 translation table descriptors [DDI0487 D8.3]. Bits [1:0]: 0bx0 invalid, 0b01 block
// (levels where a block is allowed), 0b11 table (levels 0-2) or page (level 3).
namespace desc {
inline constexpr uint64_t kValid = Bit(0);
inline constexpr uint64_t kTableOrPage = Bit(1);
// The output or next-level table address: bits [47:granule shift] of the address itself.
inline constexpr uint64_t kAddress = Bits(47, 12);
// Stage-1 leaf attributes.
inline constexpr uint64_t kAttrIndx = Bits(4, 2);
inline constexpr uint64_t kNS = Bit(5);
inline constexpr uint64_t kAP = Bits(7, 6);  // AP[2:1]
inline constexpr uint64_t kApRwPriv = 0b00;  // EL1 read/write, EL0 none
inline constexpr uint64_t kApRwAll = 0b01;   // EL1 and EL0 read/write
inline constexpr uint64_t kApRoPriv = 0b10;  // EL1 read-only, EL0 none
inline constexpr uint64_t kApRoAll = 0b11;   // EL1 and EL0 read-only
inline constexpr uint64_t kSH = Bits(9, 8);
inline constexpr uint64_t kShNon = 0b00;
inline constexpr uint64_t kShOuter = 0b10;
inline constexpr uint64_t kShInner = 0b11;
inline constexpr uint64_t kAF = Bit(10);
inline constexpr uint64_t knG = Bit(11);
inline constexpr uint64_t kContiguous = Bit(52);
inline constexpr uint64_t kPXN = Bit(53);
inline constexpr uint64_t kUXN = Bit(54);
// Stage-1 table descriptor attributes (hierarchical, unless CD.HADx).
inline constexpr uint64_t kPXNTable = Bit(59);
inline constexpr uint64_t kUXNTable = Bit(60);
inline constexpr uint64_t kAPTable = Bits(62, 61);
inline constexpr uint64_t kNSTable = Bit(63);
// Stage-2 leaf attributes.
inline constexpr uint64_t kS2MemAttr = Bits(5, 2);
inline constexpr uint64_t kS2MemAttrDevice_nGnRE = 0b0001;
inline constexpr uint64_t kS2MemAttrNormalNC = 0b0101;
inline constexpr uint64_t kS2MemAttrNormalWB = 0b1111;
inline constexpr uint64_t kS2AP = Bits(7, 6);
inline constexpr uint64_t kS2ApRead = 0b01;
inline constexpr uint64_t kS2ApWrite = 0b10;
inline constexpr uint64_t kS2XN = Bits(54, 53);  // XN[1:0]; XN[0] only with IDR3.XNX
}  // namespace desc

// Commands, 2 doublewords [IHI0070 §4.1-§4.7].
namespace cmd {
inline constexpr uint64_t kDw0Opcode = Bits(7, 0);
inline constexpr uint64_t kOpPrefetchConfig = 0x01;
inline constexpr uint64_t kOpPrefetchAddr = 0x02;
inline constexpr uint64_t kOpCfgiSte = 0x03;
inline constexpr uint64_t kOpCfgiSteRange = 0x04;  // CMD_CFGI_ALL is Range=31
inline constexpr uint64_t kOpCfgiCd = 0x05;
inline constexpr uint64_t kOpCfgiCdAll = 0x06;
inline constexpr uint64_t kOpTlbiNhAll = 0x10;
inline constexpr uint64_t kOpTlbiNhAsid = 0x11;
inline constexpr uint64_t kOpTlbiNhVa = 0x12;
inline constexpr uint64_t kOpTlbiNhVaa = 0x13;
inline constexpr uint64_t kOpTlbiEl2All = 0x20;
inline constexpr uint64_t kOpTlbiEl2Asid = 0x21;
inline constexpr uint64_t kOpTlbiEl2Va = 0x22;
inline constexpr uint64_t kOpTlbiEl2Vaa = 0x23;
inline constexpr uint64_t kOpTlbiS12Vmall = 0x28;
inline constexpr uint64_t kOpTlbiS2Ipa = 0x2A;
inline constexpr uint64_t kOpTlbiNsnhAll = 0x30;
inline constexpr uint64_t kOpSync = 0x46;
inline constexpr uint64_t kDw0SSec = Bit(10);
inline constexpr uint64_t kDw0SSV = Bit(11);
inline constexpr uint64_t kDw0SubstreamID = Bits(31, 12);
inline constexpr uint64_t kDw0StreamID = Bits(63, 32);
// TLBI operands.
inline constexpr uint64_t kDw0NUM = Bits(16, 12);
inline constexpr uint64_t kDw0SCALE = Bits(24, 20);
inline constexpr uint64_t kDw0VMID = Bits(47, 32);
inline constexpr uint64_t kDw0ASID = Bits(63, 48);
inline constexpr uint64_t kDw1Leaf = Bit(0);
inline constexpr uint64_t kDw1TTL = Bits(9, 8);
inline constexpr uint64_t kDw1TG = Bits(11, 10);
inline constexpr uint64_t kTgNone = 0b00;  // not a range invalidation
inline constexpr uint64_t kTg4K = 0b01;
inline constexpr uint64_t kTg16K = 0b10;
inline constexpr uint64_t kTg64K = 0b11;
inline constexpr uint64_t kDw1VA = Bits(63, 12);   // the address's own bits [63:12]
inline constexpr uint64_t kDw1IPA = Bits(55, 12);  // the address's own bits [55:12]
// CFGI operands.
inline constexpr uint64_t kDw1Range = Bits(4, 0);
inline constexpr uint64_t kRangeAll = 31;
// PREFETCH_ADDR operands.
inline constexpr uint64_t kDw1Size = Bits(4, 0);
// CMD_SYNC operands.
inline constexpr uint64_t kDw0CS = Bits(13, 12);
inline constexpr uint64_t kCsNone = 0b00;
inline constexpr uint64_t kCsIrq = 0b01;
inline constexpr uint64_t kCsSev = 0b10;
inline constexpr uint64_t kDw0MSH = Bits(23, 22);
inline constexpr uint64_t kDw0MSIAttr = Bits(27, 24);
inline constexpr uint64_t kDw0MSIData = Bits(63, 32);
inline constexpr uint64_t kDw1MSIAddr = Bits(55, 2);  // the address's own bits [55:2]
}  // namespace cmd

}  // namespace smmuref::impl::driver::layout
