// Registers [IHI0070 §6.2-§6.3]: ID encodings (§6.3.1-§6.3.6), CR0/CR0ACK (§6.3.9-§6.3.10),
// GBPA (§6.3.14), GERROR (§6.3.16-§6.3.17), stream table and queue bases (§6.3.24-§6.3.31).
// Tests: tests/conformance/device_test.cc, corpus/vectors/regs/*.vec
#include "smmuref/impl/arch/regs.h"

#include "smmuref/impl/arch/kernels.h"
#include "smmuref/spec/error.h"

namespace smmuref::impl::arch {

using spec::Reg;

namespace {

namespace r = layout::regs;

uint64_t Put(uint64_t mask, uint64_t v) { return FieldPrep<uint64_t>(mask, v); }

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
  return Put(r::kIdr0S2p, p.s2p) | Put(r::kIdr0S1p, p.s1p) | Put(r::kIdr0Ttf, p.ttf) |
         Put(r::kIdr0Cohacc, p.cohacc) | Put(r::kIdr0Btm, p.btm) | Put(r::kIdr0Httu, p.httu) |
         Put(r::kIdr0Hyp, p.hyp) | Put(r::kIdr0Ats, p.ats) | Put(r::kIdr0Asid16, p.asid16) |
         Put(r::kIdr0Msi, p.msi) | Put(r::kIdr0Sev, p.sev) | Put(r::kIdr0Pri, p.pri) |
         Put(r::kIdr0Vmid16, p.vmid16) | Put(r::kIdr0Cd2l, p.cd2l) |
         Put(r::kIdr0TtEndian, p.ttendian) | Put(r::kIdr0StallModel, p.stall_model) |
         Put(r::kIdr0TermModel, p.term_model) | Put(r::kIdr0StLevel, p.st_level);
}

uint64_t Idr1(const spec::Profile& p) {
  return Put(r::kIdr1SidSize, p.sidsize) | Put(r::kIdr1SsidSize, p.ssidsize) |
         Put(r::kIdr1PriqS, p.priqs) | Put(r::kIdr1EventqS, p.eventqs) |
         Put(r::kIdr1CmdqS, p.cmdqs) | Put(r::kIdr1AttrPermsOvr, p.attr_perms_ovr) |
         Put(r::kIdr1AttrTypesOvr, p.attr_types_ovr);
}

uint64_t Idr3(const spec::Profile& p) {
  return Put(r::kIdr3Had, p.had) | Put(r::kIdr3Xnx, p.xnx) | Put(r::kIdr3Stt, p.stt) |
         Put(r::kIdr3Ril, p.ril) | Put(r::kIdr3Bbml, p.bbml);
}

uint64_t Idr5(const spec::Profile& p) {
  return Put(r::kIdr5Oas, OasCode(p.oas)) | Put(r::kIdr5Gran4K, p.gran4k) |
         Put(r::kIdr5Gran16K, p.gran16k) | Put(r::kIdr5Gran64K, p.gran64k) |
         Put(r::kIdr5Ds, p.ds) | Put(r::kIdr5Vax, p.vax);
}

uint64_t Bits(unsigned msb, unsigned lsb) { return layout::GenMask(msb, lsb); }

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
  v_[Index(Reg::AIDR)] = Put(r::kAidrArchMinor, p.arch_minor);
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
