// The SMMU register file: ID registers from the profile, control registers with their update and
// guard rules, queue pointers, GERROR/GERRORN [IHI0070 §6.2-§6.3].
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/regs/*.vec
#pragma once

#include <array>
#include <cstdint>

#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

class Registers {
 public:
  explicit Registers(const spec::Profile& p);

  // Software accesses. 64-bit registers take a 64-bit access or a 32-bit access to either half
  // (`high` selects bits [63:32]); 32-bit registers take 32-bit accesses only.
  uint64_t Read(spec::Reg r) const { return value_[Index(r)]; }
  uint32_t Read32(spec::Reg r, bool high) const;
  void Write(spec::Reg r, uint64_t v);
  void Write32(spec::Reg r, bool high, uint32_t v);

  // SMMU-side updates (no software rules applied).
  void Set(spec::Reg r, uint64_t v) { value_[Index(r)] = v; }

  // Decoded views used by the translation and queue logic.
  bool SmmuEnabled() const;   // CR0.SMMUEN (CR0ACK follows CR0 at once in this model)
  bool CmdqEnabled() const;
  bool EventqEnabled() const;
  bool GbpaAbort() const;
  bool RecordInvalidSid() const;  // CR2.RECINVSID
  bool E2h() const;               // CR2.E2H
  bool GerrorActive(unsigned bit) const;  // GERROR[bit] != GERRORN[bit]
  void ToggleGerror(unsigned bit);        // only if not already active

 private:
  static size_t Index(spec::Reg r) { return static_cast<size_t>(r); }
  const spec::Profile& p_;
  std::array<uint64_t, static_cast<size_t>(spec::Reg::kCount)> value_{};
};

// IDR0..IDR5 and AIDR values encoded from a profile (R-REG-001).
uint32_t EncodeIdr(spec::Reg r, const spec::Profile& p);

}  // namespace smmuref::model::arch
