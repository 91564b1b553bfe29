// The SMMU register file: ID registers from the profile, control registers with their update and
// guard rules, queue pointers, GERROR/GERRORN [IHI0070 §6.2-§6.3].
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/regs/*.vec
#pragma once

#include <array>
#include <cstdint>

#include "smmuref/spec/fields.h"
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

  // Bits of `r` whose value is UNKNOWN now: reset values the architecture leaves UNKNOWN or
  // IMPLEMENTATION DEFINED (C-REG-001, C-REG-002), values a CONSTRAINED UNPREDICTABLE write left
  // open (C-REG-003, C-REG-005..007), CMDQ_CONS.ERR while CMDQ_ERR is inactive (C-REG-010),
  // address bits at or above the OAS and index bits above the queue size (C-REG-011). Reads of
  // these bits are not compared; behaviour that depends on them is enumerated or unconstrained.
  uint64_t UnknownMask(spec::Reg r) const;
  // Marks bits UNKNOWN (the SMMU-side effect of an unconstrained queue or outcome).
  void SetUnknown(spec::Reg r, uint64_t mask) { unknown_[Index(r)] |= mask; }
  // Whether every bit of `f` in `r` holds a known value (the state's UNKNOWN bits; the read-side
  // masks of UnknownMask, such as CONS.ERR while CMDQ_ERR is inactive, are not included).
  bool Known(spec::Reg r, spec::Field f) const;
  // Whether the index and wrap bits of a queue index register (CMDQ_PROD/CONS, EVENTQ_PROD/CONS)
  // are known, for the queue size its base register configures.
  bool IndexKnown(spec::Reg r) const;

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
  // The index and wrap bits of a queue index register for the configured queue size.
  uint64_t IndexBits(spec::Reg r) const;
  // A software write of bits `written` to `r` that took effect: they are known again.
  void Store(spec::Reg r, uint64_t v, uint64_t written);
  void WriteGbpa(uint64_t v);
  const spec::Profile& p_;
  std::array<uint64_t, static_cast<size_t>(spec::Reg::kCount)> value_{};
  std::array<uint64_t, static_cast<size_t>(spec::Reg::kCount)> unknown_{};
};

// The bits a field occupies in its register.
inline uint64_t FieldBits(spec::Field f) {
  return (f.width() == 64 ? ~uint64_t{0} : ((uint64_t{1} << f.width()) - 1)) << f.lsb;
}

// IDR0..IDR5 and AIDR values encoded from a profile (R-REG-001).
uint32_t EncodeIdr(spec::Reg r, const spec::Profile& p);

}  // namespace smmuref::model::arch
