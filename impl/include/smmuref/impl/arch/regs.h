// Register file of the engine: ID registers from the profile, control registers with their
// update and guard rules, queue pointers, GERROR/GERRORN [IHI0070 §6.2-§6.3]. Bit positions are
// the engine's own (layout.h), not spec/fields.
// Tests: tests/conformance/device_test.cc, corpus/vectors/regs/*.vec
#pragma once

#include <array>
#include <cstdint>

#include "smmuref/impl/arch/layout.h"
#include "smmuref/impl/arch/mutant.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

// Register fields: layout.h.
namespace regbits = layout::regs;

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
