// The engine's bit layouts, all in one place, in the grammar of a driver header: one mask per
// field (inside the doubleword named by the field's position), named values beside it. This is
// the engine's own transcription of IHI0070 §4 (commands), §5.1-§5.4 (L1STD, STE, L1CD, CD),
// §6.3 (registers), §7.3 (event records) and DDI0487 D8.3 (VMSAv8-64 descriptors); it never
// reads spec/fields, so a slip in either shows up as a disagreement. proofs/equiv/layout.cc
// proves every field here equal to the spec/fields row of the same name.
// Tests: proofs/equiv/layout.cc, tests/impl/arch/kernels_test.cc, corpus/vectors/layout/*.vec
#pragma once

#include <cstdint>

namespace smmuref::impl::arch::layout {

// Bits [msb:lsb] of a 64-bit word.
constexpr uint64_t GenMask(unsigned msb, unsigned lsb) {
  return ((msb >= 63 ? ~uint64_t{0} : (uint64_t{1} << (msb + 1)) - 1)) & ~((uint64_t{1} << lsb) - 1);
}

// A field of a multi-doubleword structure: doubleword `dw`, bits `mask` of it.
struct Field {
  unsigned dw;
  uint64_t mask;
};

// ---- Level-1 stream table descriptor [IHI0070 §5.1] ----------------------------------------
namespace l1std {
inline constexpr uint64_t kSpan = GenMask(4, 0);
inline constexpr uint64_t kL2Ptr = GenMask(55, 6);
}  // namespace l1std

// ---- Stream table entry [IHI0070 §5.2] ------------------------------------------------------
namespace ste {
inline constexpr Field kV{0, GenMask(0, 0)};
inline constexpr Field kConfig{0, GenMask(3, 1)};
inline constexpr uint64_t kConfigTranslate = 4;  // 0b1xx; 0b0xx aborts (0b000) or is reserved
inline constexpr uint64_t kConfigS1 = 1;         // bit 0 of Config: stage 1 enabled
inline constexpr uint64_t kConfigS2 = 2;         // bit 1: stage 2 enabled
inline constexpr Field kS1Fmt{0, GenMask(5, 4)};
inline constexpr uint64_t kS1FmtLinear = 0, kS1Fmt2Lvl4K = 1, kS1Fmt2Lvl64K = 2;
inline constexpr Field kS1ContextPtr{0, GenMask(55, 6)};
inline constexpr Field kS1CDMax{0, GenMask(63, 59)};
inline constexpr Field kS1DSS{1, GenMask(1, 0)};
inline constexpr uint64_t kS1DssTerminate = 0, kS1DssBypass = 1, kS1DssSsid0 = 2;
inline constexpr Field kS1STALLD{1, GenMask(27, 27)};
inline constexpr Field kEATS{1, GenMask(29, 28)};
inline constexpr uint64_t kEatsAbort = 0, kEatsTrans = 1, kEatsSplit = 2;
inline constexpr Field kSTRW{1, GenMask(31, 30)};
inline constexpr uint64_t kStrwNsEl1 = 0, kStrwEl2 = 2;
inline constexpr Field kPRIVCFG{1, GenMask(49, 48)};
inline constexpr Field kINSTCFG{1, GenMask(51, 50)};
inline constexpr uint64_t kOverrideIncoming = 0, kOverrideReserved = 1;
inline constexpr Field kS2VMID{2, GenMask(15, 0)};
inline constexpr Field kS2T0SZ{2, GenMask(37, 32)};
inline constexpr Field kS2SL0{2, GenMask(39, 38)};
inline constexpr Field kS2TG{2, GenMask(47, 46)};
inline constexpr uint64_t kS2Tg4K = 0, kS2Tg64K = 1, kS2Tg16K = 2;
inline constexpr Field kS2PS{2, GenMask(50, 48)};
inline constexpr Field kS2AA64{2, GenMask(51, 51)};
inline constexpr Field kS2ENDI{2, GenMask(52, 52)};
inline constexpr Field kS2AFFD{2, GenMask(53, 53)};
inline constexpr Field kS2PTW{2, GenMask(54, 54)};
inline constexpr Field kS2HD{2, GenMask(55, 55)};
inline constexpr Field kS2HA{2, GenMask(56, 56)};
inline constexpr Field kS2S{2, GenMask(57, 57)};
inline constexpr Field kS2R{2, GenMask(58, 58)};
inline constexpr Field kS2HAFT{2, GenMask(59, 59)};
inline constexpr Field kS2TTB{3, GenMask(55, 4)};
}  // namespace ste

// ---- Level-1 context descriptor [IHI0070 §5.3] ----------------------------------------------
namespace l1cd {
inline constexpr uint64_t kV = GenMask(0, 0);
inline constexpr uint64_t kL2Ptr = GenMask(55, 12);
}  // namespace l1cd

// ---- Context descriptor [IHI0070 §5.4] ------------------------------------------------------
namespace cd {
inline constexpr Field kT0SZ{0, GenMask(5, 0)};
inline constexpr Field kTG0{0, GenMask(7, 6)};
inline constexpr uint64_t kTg0_4K = 0, kTg0_64K = 1, kTg0_16K = 2;
inline constexpr Field kEPD0{0, GenMask(14, 14)};
inline constexpr Field kENDI{0, GenMask(15, 15)};
inline constexpr Field kT1SZ{0, GenMask(21, 16)};
inline constexpr Field kTG1{0, GenMask(23, 22)};
inline constexpr uint64_t kTg1_16K = 1, kTg1_4K = 2, kTg1_64K = 3;
inline constexpr Field kEPD1{0, GenMask(30, 30)};
inline constexpr Field kV{0, GenMask(31, 31)};
inline constexpr Field kIPS{0, GenMask(34, 32)};
inline constexpr Field kAFFD{0, GenMask(35, 35)};
inline constexpr Field kWXN{0, GenMask(36, 36)};
inline constexpr Field kTBI0{0, GenMask(38, 38)};
inline constexpr Field kTBI1{0, GenMask(39, 39)};
inline constexpr Field kPAN{0, GenMask(40, 40)};
inline constexpr Field kAA64{0, GenMask(41, 41)};
inline constexpr Field kHD{0, GenMask(42, 42)};
inline constexpr Field kHA{0, GenMask(43, 43)};
inline constexpr Field kS{0, GenMask(44, 44)};
inline constexpr Field kR{0, GenMask(45, 45)};
inline constexpr Field kA{0, GenMask(46, 46)};
inline constexpr Field kASID{0, GenMask(63, 48)};
inline constexpr Field kHAD0{1, GenMask(1, 1)};
inline constexpr Field kHAFT{1, GenMask(3, 3)};
inline constexpr Field kTTB0{1, GenMask(55, 4)};
inline constexpr Field kHAD1{2, GenMask(1, 1)};
inline constexpr Field kTTB1{2, GenMask(55, 4)};
}  // namespace cd

// ---- VMSAv8-64 descriptors [DDI0487 D8.3] ---------------------------------------------------
namespace desc {
inline constexpr uint64_t kValid = GenMask(0, 0);
inline constexpr uint64_t kTableOrPage = GenMask(1, 1);
inline constexpr uint64_t kAf = GenMask(10, 10);
inline constexpr uint64_t kNg = GenMask(11, 11);
inline constexpr uint64_t kAddr = GenMask(47, 12);  // OA and next-level table address
// Stage 1 leaf and table attributes.
inline constexpr uint64_t kAp = GenMask(7, 6);  // AP[2:1]
inline constexpr uint64_t kPxn = GenMask(53, 53);
inline constexpr uint64_t kUxn = GenMask(54, 54);  // UXN, XN in single-privilege regimes
inline constexpr uint64_t kPxnTable = GenMask(59, 59);
inline constexpr uint64_t kUxnTable = GenMask(60, 60);
inline constexpr uint64_t kApTable = GenMask(62, 61);
// Stage 2 leaf attributes.
inline constexpr uint64_t kS2MemAttr = GenMask(5, 2);
inline constexpr uint64_t kS2MemAttrDevice = GenMask(5, 4);  // MemAttr[3:2] == 0: Device
inline constexpr uint64_t kS2Ap = GenMask(7, 6);
inline constexpr uint64_t kS2Xn = GenMask(54, 53);
}  // namespace desc

// ---- Commands [IHI0070 §4] ------------------------------------------------------------------
namespace cmd {
inline constexpr Field kOpcode{0, GenMask(7, 0)};
inline constexpr Field kSSec{0, GenMask(10, 10)};
inline constexpr Field kSSV{0, GenMask(11, 11)};
inline constexpr Field kSubstreamID{0, GenMask(31, 12)};
inline constexpr Field kStreamID{0, GenMask(63, 32)};
inline constexpr Field kVMID{0, GenMask(47, 32)};
inline constexpr Field kASID{0, GenMask(63, 48)};
inline constexpr Field kNUM{0, GenMask(16, 12)};
inline constexpr Field kSCALE{0, GenMask(24, 20)};
inline constexpr Field kSyncCS{0, GenMask(13, 12)};
inline constexpr uint64_t kSyncCsNone = 0, kSyncCsIrq = 1, kSyncCsSev = 2;
inline constexpr Field kSyncMSH{0, GenMask(23, 22)};
inline constexpr Field kSyncMSIAttr{0, GenMask(27, 24)};
inline constexpr Field kSyncMSIData{0, GenMask(63, 32)};
inline constexpr Field kLeaf{1, GenMask(0, 0)};
inline constexpr Field kRange{1, GenMask(4, 0)};
inline constexpr Field kTTL{1, GenMask(9, 8)};
inline constexpr Field kTG{1, GenMask(11, 10)};
inline constexpr uint64_t kTgNone = 0, kTg4K = 1, kTg16K = 2, kTg64K = 3;
inline constexpr Field kAddr{1, GenMask(63, 12)};
inline constexpr Field kIPA{1, GenMask(51, 12)};      // IPA[55:52] RES0 before SMMUv3.4
inline constexpr Field kIPAFull{1, GenMask(55, 12)};  // the bits an IPA operand can carry
inline constexpr Field kSyncMSIAddr{1, GenMask(55, 2)};

// Opcodes [IHI0070 §4.1.1].
enum : uint8_t {
  kPrefetchConfig = 0x01, kPrefetchAddr = 0x02, kCfgiSte = 0x03, kCfgiSteRange = 0x04,
  kCfgiCd = 0x05, kCfgiCdAll = 0x06, kCfgiVmsPidm = 0x07,
  kTlbiNhAll = 0x10, kTlbiNhAsid = 0x11, kTlbiNhVa = 0x12, kTlbiNhVaa = 0x13,
  kTlbiEl3All = 0x18, kTlbiEl3Va = 0x1a,
  kTlbiEl2All = 0x20, kTlbiEl2Asid = 0x21, kTlbiEl2Va = 0x22, kTlbiEl2Vaa = 0x23,
  kTlbiS12Vmall = 0x28, kTlbiS2Ipa = 0x2a, kTlbiNsnhAll = 0x30,
  kAtcInv = 0x40, kPriResp = 0x41, kResume = 0x44, kStallTerm = 0x45, kSync = 0x46,
};
}  // namespace cmd

// ---- Event records [IHI0070 §7.3] -----------------------------------------------------------
namespace event {
inline constexpr Field kEventId{0, GenMask(7, 0)};
inline constexpr Field kSSV{0, GenMask(11, 11)};
inline constexpr Field kSubstreamID{0, GenMask(31, 12)};
inline constexpr Field kStreamID{0, GenMask(63, 32)};
inline constexpr Field kSTAG{1, GenMask(15, 0)};
inline constexpr Field kStall{1, GenMask(31, 31)};
inline constexpr Field kPnU{1, GenMask(33, 33)};
inline constexpr Field kInD{1, GenMask(34, 34)};
inline constexpr Field kRnW{1, GenMask(35, 35)};
inline constexpr Field kS2{1, GenMask(39, 39)};
inline constexpr Field kCLASS{1, GenMask(41, 40)};
inline constexpr Field kTTRnW{1, GenMask(44, 44)};
inline constexpr Field kInputAddr{2, GenMask(63, 0)};
inline constexpr Field kFetchAddr{3, GenMask(55, 3)};  // fetch aborts
inline constexpr Field kIPA{3, GenMask(55, 12)};       // stage-2 faults
}  // namespace event

// ---- Registers [IHI0070 §6.3] ---------------------------------------------------------------
namespace regs {
// IDR0
inline constexpr uint64_t kIdr0S2p = GenMask(0, 0), kIdr0S1p = GenMask(1, 1);
inline constexpr uint64_t kIdr0Ttf = GenMask(3, 2), kIdr0Cohacc = GenMask(4, 4);
inline constexpr uint64_t kIdr0Btm = GenMask(5, 5), kIdr0Httu = GenMask(7, 6);
inline constexpr uint64_t kIdr0Hyp = GenMask(9, 9), kIdr0Ats = GenMask(10, 10);
inline constexpr uint64_t kIdr0Asid16 = GenMask(12, 12), kIdr0Msi = GenMask(13, 13);
inline constexpr uint64_t kIdr0Sev = GenMask(14, 14), kIdr0Pri = GenMask(16, 16);
inline constexpr uint64_t kIdr0Vmid16 = GenMask(18, 18), kIdr0Cd2l = GenMask(19, 19);
inline constexpr uint64_t kIdr0TtEndian = GenMask(22, 21), kIdr0StallModel = GenMask(25, 24);
inline constexpr uint64_t kIdr0TermModel = GenMask(26, 26), kIdr0StLevel = GenMask(28, 27);
// IDR1
inline constexpr uint64_t kIdr1SidSize = GenMask(5, 0), kIdr1SsidSize = GenMask(10, 6);
inline constexpr uint64_t kIdr1PriqS = GenMask(15, 11), kIdr1EventqS = GenMask(20, 16);
inline constexpr uint64_t kIdr1CmdqS = GenMask(25, 21), kIdr1AttrPermsOvr = GenMask(26, 26);
inline constexpr uint64_t kIdr1AttrTypesOvr = GenMask(27, 27);
// IDR3
inline constexpr uint64_t kIdr3Had = GenMask(2, 2), kIdr3Xnx = GenMask(4, 4);
inline constexpr uint64_t kIdr3Stt = GenMask(9, 9), kIdr3Ril = GenMask(10, 10);
inline constexpr uint64_t kIdr3Bbml = GenMask(12, 11);
// IDR5
inline constexpr uint64_t kIdr5Oas = GenMask(2, 0), kIdr5Gran4K = GenMask(4, 4);
inline constexpr uint64_t kIdr5Gran16K = GenMask(5, 5), kIdr5Gran64K = GenMask(6, 6);
inline constexpr uint64_t kIdr5Ds = GenMask(7, 7), kIdr5Vax = GenMask(11, 10);
// AIDR
inline constexpr uint64_t kAidrArchMinor = GenMask(3, 0);
// CR0 / CR0ACK
inline constexpr uint64_t kSmmuEn = GenMask(0, 0);
inline constexpr uint64_t kEventqEn = GenMask(2, 2);
inline constexpr uint64_t kCmdqEn = GenMask(3, 3);
// CR2
inline constexpr uint64_t kE2h = GenMask(0, 0);
inline constexpr uint64_t kRecInvSid = GenMask(1, 1);
// GBPA: ABORT, UPDATE, and the attribute fields MemAttr[3:0] MTCFG[4] ALLOCCFG[11:8]
// SHCFG[13:12] NSCFG[15:14] PRIVCFG[17:16] INSTCFG[19:18].
inline constexpr uint64_t kGbpaAbort = GenMask(20, 20);
inline constexpr uint64_t kGbpaUpdate = GenMask(31, 31);
inline constexpr uint64_t kGbpaAttrs = GenMask(19, 8) | GenMask(4, 0);
// GERROR bit numbers
inline constexpr unsigned kCmdqErr = 0;
inline constexpr unsigned kEventqAbtErr = 2;
inline constexpr unsigned kMsiCmdqAbtErr = 4;
// STRTAB_BASE ADDR[55:6]; STRTAB_BASE_CFG LOG2SIZE[5:0] SPLIT[10:6] FMT[17:16].
inline constexpr uint64_t kStrtabAddr = GenMask(55, 6);
inline constexpr uint64_t kStrtabLog2Size = GenMask(5, 0);
inline constexpr uint64_t kStrtabSplit = GenMask(10, 6);
inline constexpr uint64_t kStrtabFmt = GenMask(17, 16);
inline constexpr uint64_t kStrtabFmt2Lvl = 1;
// Queue base registers: ADDR[55:5], LOG2SIZE[4:0]; CONS.ERR[30:24]; OVFLG / OVACKFLG bit 31;
// PROD/CONS index and wrap in [19:0].
inline constexpr uint64_t kQueueAddrMask = GenMask(55, 5);
inline constexpr uint64_t kQueueLog2Mask = GenMask(4, 0);
inline constexpr unsigned kConsErrShift = 24;
inline constexpr uint64_t kConsErrMask = GenMask(30, 24);
inline constexpr uint64_t kPtrMask = GenMask(19, 0);
inline constexpr uint64_t kOvflg = GenMask(31, 31);
}  // namespace regs

}  // namespace smmuref::impl::arch::layout
