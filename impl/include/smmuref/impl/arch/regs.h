// Register file of the engine: ID registers from the profile, control registers with their
// update and guard rules, queue pointers, GERROR/GERRORN [IHI0070 §6.2-§6.3]. Bit positions are
// the engine's own (fact sheet §1), not spec/fields.
// Tests: tests/impl/arch/engine_test.cc, corpus/vectors/regs/*.vec
#pragma once

#include <array>
#include <cstdint>

#include "smmuref/impl/arch/mutant.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

namespace regbits {
// CR0 / CR0ACK
inline constexpr uint64_t kSmmuEn = 1u << 0;
inline constexpr uint64_t kEventqEn = 1u << 2;
inline constexpr uint64_t kCmdqEn = 1u << 3;
// CR2
inline constexpr uint64_t kE2h = 1u << 0;
inline constexpr uint64_t kRecInvSid = 1u << 1;
// GBPA
inline constexpr uint64_t kGbpaAbort = 1u << 20;
inline constexpr uint64_t kGbpaUpdate = 1u << 31;
// MemAttr[3:0] MTCFG[4] ALLOCCFG[11:8] SHCFG[13:12] NSCFG[15:14] PRIVCFG[17:16] INSTCFG[19:18]
inline constexpr uint64_t kGbpaAttrs = 0xfff1f;
// GERROR bit numbers
inline constexpr unsigned kCmdqErr = 0;
inline constexpr unsigned kEventqAbtErr = 2;
inline constexpr unsigned kMsiCmdqAbtErr = 4;
// Queue base registers: ADDR[55:5], LOG2SIZE[4:0]; CONS.ERR[30:24]; OVFLG / OVACKFLG bit 31.
inline constexpr uint64_t kQueueAddrMask = ((uint64_t{1} << 56) - 1) & ~uint64_t{31};
inline constexpr uint64_t kQueueLog2Mask = 31;
inline constexpr unsigned kConsErrShift = 24;
inline constexpr uint64_t kConsErrMask = uint64_t{0x7f} << kConsErrShift;
inline constexpr uint64_t kPtrMask = (1u << 20) - 1;
inline constexpr uint64_t kOvflg = uint64_t{1} << 31;
}  // namespace regbits

class RegisterFile {
 public:
  explicit RegisterFile(const spec::Profile& p);

  uint64_t Read(spec::Reg r) const { return v_[Index(r)]; }
  // Software writes (R-REG-*); 32-bit accesses to either half of a 64-bit register.
  void Write(spec::Reg r, uint64_t value);
  void Write32(spec::Reg r, bool high, uint32_t value);
  // SMMU-side update, no software rules.
  void Set(spec::Reg r, uint64_t value) { v_[Index(r)] = value; }

  bool SmmuEnabled() const { return ((v_[Index(spec::Reg::CR0)] | v_[Index(spec::Reg::CR0ACK)]) & regbits::kSmmuEn) != 0; }
  bool CmdqEnabled() const { return (v_[Index(spec::Reg::CR0)] & regbits::kCmdqEn) != 0; }
  bool EventqEnabled() const { return (v_[Index(spec::Reg::CR0)] & regbits::kEventqEn) != 0; }
  bool GerrorActive(unsigned bit) const {
    return ((v_[Index(spec::Reg::GERROR)] ^ v_[Index(spec::Reg::GERRORN)]) >> bit) & 1;
  }
  // R-REG-008: the SMMU toggles GERROR[x] only while x is inactive.
  void RaiseGerror(unsigned bit) {
    if (!GerrorActive(bit)) v_[Index(spec::Reg::GERROR)] ^= uint64_t{1} << bit;
  }

 private:
  static size_t Index(spec::Reg r) { return static_cast<size_t>(r); }
  std::array<uint64_t, static_cast<size_t>(spec::Reg::kCount)> v_{};
};

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
