// Registers [IHI0070 §6.2-§6.3]: ID encodings (§6.3.1-§6.3.6), CR0/CR0ACK (§6.3.9-§6.3.10),
// GBPA (§6.3.14), GERROR (§6.3.16-§6.3.17), stream table and queue bases (§6.3.24-§6.3.31).
// Tests: tests/impl/arch/engine_test.cc, corpus/vectors/regs/*.vec
#include "smmuref/impl/arch/regs.h"

#include "smmuref/spec/error.h"

namespace smmuref::impl::arch {

using spec::Reg;

namespace {

uint64_t B(bool b) { return b ? 1 : 0; }

uint64_t OasCode(unsigned bits) {
  switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: SMMUREF_UNREACHABLE("profile OAS outside the modelled sizes");
  }
}

uint64_t Idr0(const spec::Profile& p) {
  return B(p.s2p) | B(p.s1p) << 1 | uint64_t{p.ttf & 3} << 2 | B(p.cohacc) << 4 | B(p.btm) << 5 |
         uint64_t{p.httu & 3} << 6 | B(p.hyp) << 9 | B(p.ats) << 10 | B(p.asid16) << 12 |
         B(p.msi) << 13 | B(p.sev) << 14 | B(p.pri) << 16 | B(p.vmid16) << 18 | B(p.cd2l) << 19 |
         uint64_t{p.ttendian & 3} << 21 | uint64_t{p.stall_model & 3} << 24 |
         B(p.term_model) << 26 | uint64_t{p.st_level & 3} << 27;
}

uint64_t Idr1(const spec::Profile& p) {
  return uint64_t{p.sidsize & 63} | uint64_t{p.ssidsize & 31} << 6 | uint64_t{p.priqs & 31} << 11 |
         uint64_t{p.eventqs & 31} << 16 | uint64_t{p.cmdqs & 31} << 21 |
         B(p.attr_perms_ovr) << 26 | B(p.attr_types_ovr) << 27;
}

uint64_t Idr3(const spec::Profile& p) {
  return B(p.had) << 2 | B(p.xnx) << 4 | B(p.stt) << 9 | B(p.ril) << 10 |
         uint64_t{p.bbml & 3} << 11;
}

uint64_t Idr5(const spec::Profile& p) {
  return OasCode(p.oas) | B(p.gran4k) << 4 | B(p.gran16k) << 5 | B(p.gran64k) << 6 |
         B(p.ds) << 7 | uint64_t{p.vax & 3} << 10;
}

uint64_t Bits(unsigned msb, unsigned lsb) {
  const uint64_t top = msb >= 63 ? ~uint64_t{0} : (uint64_t{1} << (msb + 1)) - 1;
  return top & ~((uint64_t{1} << lsb) - 1);
}

// Bits software can set, per register; registers not listed keep every written bit of their
// width [IHI0070 §6.3].
uint64_t WritableMask(Reg r) {
  switch (r) {
    case Reg::CR0: return Bits(4, 0) | Bits(8, 6);  // SMMUEN PRIQEN EVENTQEN CMDQEN ATSCHK VMW
    case Reg::CR2: return Bits(2, 0);               // E2H RECINVSID PTM
    case Reg::GBPA: return regbits::kGbpaAbort | regbits::kGbpaUpdate | regbits::kGbpaAttrs;
    case Reg::STRTAB_BASE: return Bits(62, 62) | Bits(55, 6);
    case Reg::STRTAB_BASE_CFG: return Bits(17, 16) | Bits(10, 6) | Bits(5, 0);
    case Reg::CMDQ_BASE:
    case Reg::EVENTQ_BASE: return Bits(62, 62) | Bits(55, 0);
    case Reg::CMDQ_PROD: return Bits(19, 0);
    case Reg::CMDQ_CONS: return Bits(19, 0) | Bits(30, 24);
    case Reg::EVENTQ_PROD:
    case Reg::EVENTQ_CONS: return Bits(19, 0) | Bits(31, 31);
    default: return ~uint64_t{0};
  }
}

}  // namespace

RegisterFile::RegisterFile(const spec::Profile& p) {
  // R-REG-001: ID registers describe the profile (IDR2, IDR4, IIDR read as zero).
  v_[Index(Reg::IDR0)] = Idr0(p);
  v_[Index(Reg::IDR1)] = Idr1(p);
  v_[Index(Reg::IDR3)] = Idr3(p);
  v_[Index(Reg::IDR5)] = Idr5(p);
  v_[Index(Reg::AIDR)] = p.arch_minor & 15;
  // R-REG-002: everything else resets to zero, except GBPA.ABORT when the profile pins it to 1
  // (an IMPLEMENTATION DEFINED reset value; with `any` the engine resets it to 0).
  if (p.Pick(spec::Choice::kGbpaAbortReset, 0) == 1) v_[Index(Reg::GBPA)] = regbits::kGbpaAbort;
}

void RegisterFile::Write32(Reg r, bool high, uint32_t value) {
  if (!spec::RegIs64(r)) {
    if (!high) Write(r, value);
    return;
  }
  const uint64_t old = Read(r);
  Write(r, high ? (old & 0xffffffffull) | uint64_t{value} << 32
                : (old & ~0xffffffffull) | value);
}

void RegisterFile::Write(Reg r, uint64_t value) {
  if (!spec::RegIs64(r)) value &= 0xffffffffull;
  value &= WritableMask(r);
  switch (r) {
    case Reg::IDR0: case Reg::IDR1: case Reg::IDR2: case Reg::IDR3: case Reg::IDR4:
    case Reg::IDR5: case Reg::IIDR: case Reg::AIDR: case Reg::CR0ACK: case Reg::IRQ_CTRLACK:
    case Reg::GERROR: case Reg::STATUSR:
      return;  // R-REG-001, R-REG-003: read-only
    case Reg::CR0:
      // R-REG-003: the update completes at once, so CR0ACK follows.
      v_[Index(Reg::CR0)] = v_[Index(Reg::CR0ACK)] = value;
      return;
    case Reg::IRQ_CTRL:
      v_[Index(Reg::IRQ_CTRL)] = v_[Index(Reg::IRQ_CTRLACK)] = value;
      return;
    case Reg::GBPA:
      // R-REG-004: only a write with UPDATE=1 changes GBPA; UPDATE then reads 0.
      if (value & regbits::kGbpaUpdate) v_[Index(r)] = value & ~regbits::kGbpaUpdate;
      return;
    case Reg::STRTAB_BASE:
    case Reg::STRTAB_BASE_CFG:
      if (SmmuEnabled()) return;  // R-REG-005
      break;
    case Reg::CMDQ_BASE:
    case Reg::CMDQ_CONS:
      if (CmdqEnabled()) return;  // R-REG-006
      break;
    case Reg::EVENTQ_BASE:
    case Reg::EVENTQ_PROD:
      if (EventqEnabled()) return;  // R-REG-007
      break;
    default:
      break;
  }
  v_[Index(r)] = value;
}

}  // namespace smmuref::impl::arch
