// Registers [IHI0070 §6.2-§6.3]. Rules R-REG-*.
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/regs/*.vec
#include "smmuref/model/arch/regs.h"

#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

#include <algorithm>

namespace smmuref::model::arch {

using spec::Reg;
namespace rf = spec::reg;

namespace {

uint64_t Bit(bool b) { return b ? 1 : 0; }

// IDR5.OAS encoding [IHI0070 §6.3.6].
uint64_t OasEncoding(unsigned bits) {
  switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: SMMUREF_UNREACHABLE("profile oas not validated");
  }
}

// Mask of the bits software can write in a register, built from its REGFIELD rows; registers
// without rows are stored whole.
uint64_t WritableMask(Reg r) {
  uint64_t mask = 0;
#define REG(NAME, OFFSET, BITS)
#define REGFIELD(R, NAME, MSB, LSB)                                             \
  if (r == Reg::R) {                                                            \
    const unsigned w = MSB - LSB + 1;                                           \
    mask |= (w == 64 ? ~uint64_t{0} : ((uint64_t{1} << w) - 1)) << LSB;        \
  }
#include "spec/fields/regs.def"
#undef REG
#undef REGFIELD
  return mask ? mask : ~uint64_t{0};
}

}  // namespace

uint32_t EncodeIdr(Reg r, const spec::Profile& p) {
  // R-REG-001: the ID registers are read-only and describe the profile.
  uint64_t v = 0;
  switch (r) {
    case Reg::IDR0:
      spec::Set(&v, rf::IDR0_S2P, Bit(p.s2p));
      spec::Set(&v, rf::IDR0_S1P, Bit(p.s1p));
      spec::Set(&v, rf::IDR0_TTF, p.ttf);
      spec::Set(&v, rf::IDR0_COHACC, Bit(p.cohacc));
      spec::Set(&v, rf::IDR0_BTM, Bit(p.btm));
      spec::Set(&v, rf::IDR0_HTTU, p.httu);
      spec::Set(&v, rf::IDR0_HYP, Bit(p.hyp));
      spec::Set(&v, rf::IDR0_ATS, Bit(p.ats));
      spec::Set(&v, rf::IDR0_ASID16, Bit(p.asid16));
      spec::Set(&v, rf::IDR0_MSI, Bit(p.msi));
      spec::Set(&v, rf::IDR0_SEV, Bit(p.sev));
      spec::Set(&v, rf::IDR0_PRI, Bit(p.pri));
      spec::Set(&v, rf::IDR0_VMID16, Bit(p.vmid16));
      spec::Set(&v, rf::IDR0_CD2L, Bit(p.cd2l));
      spec::Set(&v, rf::IDR0_TTENDIAN, p.ttendian);
      spec::Set(&v, rf::IDR0_STALL_MODEL, p.stall_model);
      spec::Set(&v, rf::IDR0_TERM_MODEL, Bit(p.term_model));
      spec::Set(&v, rf::IDR0_ST_LEVEL, p.st_level);
      break;
    case Reg::IDR1:
      spec::Set(&v, rf::IDR1_SIDSIZE, p.sidsize);
      spec::Set(&v, rf::IDR1_SSIDSIZE, p.ssidsize);
      spec::Set(&v, rf::IDR1_PRIQS, p.priqs);
      spec::Set(&v, rf::IDR1_EVENTQS, p.eventqs);
      spec::Set(&v, rf::IDR1_CMDQS, p.cmdqs);
      spec::Set(&v, rf::IDR1_ATTR_PERMS_OVR, Bit(p.attr_perms_ovr));
      spec::Set(&v, rf::IDR1_ATTR_TYPES_OVR, Bit(p.attr_types_ovr));
      break;
    case Reg::IDR3:
      spec::Set(&v, rf::IDR3_HAD, Bit(p.had));
      spec::Set(&v, rf::IDR3_XNX, Bit(p.xnx));
      spec::Set(&v, rf::IDR3_STT, Bit(p.stt));
      spec::Set(&v, rf::IDR3_RIL, Bit(p.ril));
      spec::Set(&v, rf::IDR3_BBML, p.bbml);
      break;
    case Reg::IDR5:
      spec::Set(&v, rf::IDR5_OAS, OasEncoding(p.oas));
      spec::Set(&v, rf::IDR5_GRAN4K, Bit(p.gran4k));
      spec::Set(&v, rf::IDR5_GRAN16K, Bit(p.gran16k));
      spec::Set(&v, rf::IDR5_GRAN64K, Bit(p.gran64k));
      spec::Set(&v, rf::IDR5_DS, Bit(p.ds));
      spec::Set(&v, rf::IDR5_VAX, p.vax);
      break;
    case Reg::AIDR:
      spec::Set(&v, rf::AIDR_ArchMinorRev, p.arch_minor);
      break;
    default:
      break;  // IDR2, IDR4, IIDR: zero in every profile
  }
  return static_cast<uint32_t>(v);
}

Registers::Registers(const spec::Profile& p) : p_(p) {
  for (Reg r : {Reg::IDR0, Reg::IDR1, Reg::IDR2, Reg::IDR3, Reg::IDR4, Reg::IDR5, Reg::AIDR,
                Reg::IIDR}) {
    value_[Index(r)] = EncodeIdr(r, p);
  }
  // R-REG-002: CR0, CR0ACK, IRQ_CTRL(ACK), GERROR and GERRORN reset to zero, so SMMUEN=0 and no
  // queue is enabled.
  // C-REG-001: the queue bases and indexes, the stream table base registers, CR1, CR2.RECINVSID
  // (and E2H, PTM where present) and the MSI configuration reset to UNKNOWN values: software
  // must program them before relying on them.
  SMMUREF_RULE("R-REG-002");
  const uint64_t all = ~uint64_t{0};
  for (Reg r : {Reg::STRTAB_BASE, Reg::STRTAB_BASE_CFG, Reg::CMDQ_BASE, Reg::CMDQ_PROD,
                Reg::CMDQ_CONS, Reg::EVENTQ_BASE, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS, Reg::CR1,
                Reg::GERROR_IRQ_CFG0, Reg::GERROR_IRQ_CFG1, Reg::GERROR_IRQ_CFG2,
                Reg::EVENTQ_IRQ_CFG0, Reg::EVENTQ_IRQ_CFG1, Reg::EVENTQ_IRQ_CFG2}) {
    unknown_[Index(r)] = all;
  }
  unknown_[Index(Reg::CR2)] = spec::RegDefinedMask(Reg::CR2, p);
  // C-REG-002 (profile field gbpa_abort_reset): GBPA resets to an IMPLEMENTATION DEFINED value:
  // the attribute fields are UNKNOWN to the model, ABORT is the profile's choice or UNKNOWN.
  unknown_[Index(Reg::GBPA)] = spec::RegDefinedMask(Reg::GBPA, p) & ~FieldBits(rf::GBPA_UPDATE) &
                               ~FieldBits(rf::GBPA_ABORT);
  const int abort = p.choice(spec::Choice::kGbpaAbortReset);
  if (abort == spec::kAny) unknown_[Index(Reg::GBPA)] |= FieldBits(rf::GBPA_ABORT);
  if (abort == 1) spec::Set(&value_[Index(Reg::GBPA)], rf::GBPA_ABORT, 1);
}

uint32_t Registers::Read32(Reg r, bool high) const {
  const uint64_t v = Read(r);
  return static_cast<uint32_t>(high ? v >> 32 : v);
}

void Registers::Write32(Reg r, bool high, uint32_t v) {
  if (!spec::RegIs64(r)) {
    if (!high) Write(r, v);
    return;
  }
  const uint64_t old = Read(r);
  const uint64_t merged = high ? (old & 0xffffffffull) | (uint64_t{v} << 32)
                               : (old & ~0xffffffffull) | v;
  Write(r, merged);
}

void Registers::Write(Reg r, uint64_t v) {
  if (!spec::RegIs64(r)) v &= 0xffffffffull;
  v &= WritableMask(r);
  const bool v31 = p_.arch_minor <= 1;
  switch (r) {
    case Reg::IDR0: case Reg::IDR1: case Reg::IDR2: case Reg::IDR3: case Reg::IDR4:
    case Reg::IDR5: case Reg::IIDR: case Reg::AIDR:
      SMMUREF_RULE("R-REG-001");
      return;  // R-REG-001: the ID registers are read-only
    case Reg::CR0ACK: case Reg::IRQ_CTRLACK: case Reg::GERROR: case Reg::STATUSR:
      SMMUREF_RULE("R-REG-003");
      return;  // R-REG-003: read-only registers ignore writes
    case Reg::CR0:
      // R-REG-003: CR0ACK reflects a CR0 write once the update completes; this model completes
      // every update at once (an allowed timing). R-REG-009 / C-REG-009: reserved CR0 bits are
      // not acknowledged (CR0ACK has only the fields of the features present).
      SMMUREF_RULE("R-REG-003");
      if (v & ~spec::RegDefinedMask(Reg::CR0ACK, p_)) SMMUREF_RULE("R-REG-009");
      Store(r, v, ~uint64_t{0});
      value_[Index(Reg::CR0ACK)] = v & spec::RegDefinedMask(Reg::CR0ACK, p_);
      return;
    case Reg::IRQ_CTRL:
      if (v & ~spec::RegDefinedMask(Reg::IRQ_CTRLACK, p_)) SMMUREF_RULE("R-REG-009");
      Store(r, v, ~uint64_t{0});
      value_[Index(Reg::IRQ_CTRLACK)] = v & spec::RegDefinedMask(Reg::IRQ_CTRLACK, p_);
      return;
    case Reg::GBPA:
      WriteGbpa(v);
      return;
    case Reg::STRTAB_BASE:
    case Reg::STRTAB_BASE_CFG:
      // R-REG-005: stream table base registers ignore writes while SMMUEN or CR0ACK.SMMUEN is 1
      // (v3.2 and later). C-REG-005: in v3.1 such a write is CONSTRAINED UNPREDICTABLE: the
      // register takes any value or ignores the write, and reads return UNKNOWN.
      if (SMMUREF_RULE_IF("R-REG-005", SmmuEnabled())) {
        if (v31) unknown_[Index(r)] = ~uint64_t{0};
        return;
      }
      break;
    case Reg::CMDQ_BASE:
    case Reg::CMDQ_CONS:
      // R-REG-006 / C-REG-006: likewise for CMDQ_BASE and CMDQ_CONS while CMDQEN is 1.
      if (SMMUREF_RULE_IF("R-REG-006", CmdqEnabled())) {
        if (v31) unknown_[Index(r)] = ~uint64_t{0};
        return;
      }
      break;
    case Reg::EVENTQ_BASE:
    case Reg::EVENTQ_PROD:
      // R-REG-007 / C-REG-007: likewise for EVENTQ_BASE and EVENTQ_PROD while EVENTQEN is 1.
      if (SMMUREF_RULE_IF("R-REG-007", EventqEnabled())) {
        if (v31) unknown_[Index(r)] = ~uint64_t{0};
        return;
      }
      break;
    default:
      break;
  }
  Store(r, v, ~uint64_t{0});
}

void Registers::Store(Reg r, uint64_t v, uint64_t written) {
  value_[Index(r)] = (value_[Index(r)] & ~written) | (v & written);
  unknown_[Index(r)] &= ~written;
}

void Registers::WriteGbpa(uint64_t v) {
  // R-REG-004: GBPA changes by a write with UPDATE=1; the update completes at once and UPDATE
  // reads as 0; the attribute fields keep what was written [§6.3.14].
  if (SMMUREF_RULE_IF("R-REG-004", spec::Get(&v, spec::reg::GBPA_UPDATE) != 0)) {
    spec::Set(&v, spec::reg::GBPA_UPDATE, 0);
    Store(Reg::GBPA, v, ~uint64_t{0});
    return;
  }
  // A write without UPDATE is ignored in v3.2 and later. C-REG-003: in v3.1 it is CONSTRAINED
  // UNPREDICTABLE whether it is ignored, stored without effect, or takes effect at an
  // UNPREDICTABLE point: every field it would change is UNKNOWN (to reads and, for ABORT, to
  // transactions) until the next update.
  if (p_.arch_minor <= 1) {
    unknown_[Index(Reg::GBPA)] |= (v ^ value_[Index(Reg::GBPA)]) & ~FieldBits(rf::GBPA_UPDATE);
  }
}

uint64_t Registers::UnknownMask(Reg r) const {
  uint64_t m = unknown_[Index(r)];
  // C-REG-010: CMDQ_CONS.ERR is UNKNOWN while CMDQ_ERR is not active [§6.3.28].
  if (r == Reg::CMDQ_CONS && !GerrorActive(static_cast<unsigned>(rf::GERROR_CMDQ_ERR.lsb))) {
    m |= FieldBits(rf::CMDQ_CONS_ERR);
  }
  // C-CMDQ-002: commands published but not yet `process`ed may already have been consumed:
  // CONS may be anywhere up to PROD, and a command error may already be active.
  const bool cmdq_pending =
      CmdqEnabled() && !GerrorActive(static_cast<unsigned>(rf::GERROR_CMDQ_ERR.lsb)) &&
      ((Read(Reg::CMDQ_PROD) ^ Read(Reg::CMDQ_CONS)) & IndexBits(Reg::CMDQ_PROD)) != 0;
  if (cmdq_pending && r == Reg::CMDQ_CONS) {
    m |= FieldBits(rf::CMDQ_CONS_RD) | FieldBits(rf::CMDQ_CONS_ERR);
  }
  if (cmdq_pending && (r == Reg::GERROR)) {
    m |= FieldBits(rf::GERROR_CMDQ_ERR) | FieldBits(rf::GERROR_MSI_CMDQ_ABT_ERR);
  }
  // C-REG-011: address fields need not store bits at or above the OAS [§3.4.3], and queue
  // index fields only the index and wrap bits of the configured size.
  const uint64_t above_oas = ~((uint64_t{1} << p_.oas) - 1);
  switch (r) {
    case Reg::STRTAB_BASE: m |= above_oas & FieldBits(rf::STRTAB_BASE_ADDR); break;
    case Reg::CMDQ_BASE: m |= above_oas & FieldBits(rf::CMDQ_BASE_ADDR); break;
    case Reg::EVENTQ_BASE: m |= above_oas & FieldBits(rf::EVENTQ_BASE_ADDR); break;
    case Reg::GERROR_IRQ_CFG0: case Reg::EVENTQ_IRQ_CFG0: m |= above_oas & ((uint64_t{1} << 56) - 1); break;
    case Reg::CMDQ_PROD: case Reg::CMDQ_CONS: case Reg::EVENTQ_PROD: case Reg::EVENTQ_CONS:
      m |= FieldBits(rf::CMDQ_PROD_WR) & ~IndexBits(r);
      break;
    default: break;
  }
  return m;
}

bool Registers::Known(Reg r, spec::Field f) const { return (unknown_[Index(r)] & FieldBits(f)) == 0; }

uint64_t Registers::IndexBits(Reg r) const {
  const bool cmdq = r == Reg::CMDQ_PROD || r == Reg::CMDQ_CONS;
  const uint64_t base = Read(cmdq ? Reg::CMDQ_BASE : Reg::EVENTQ_BASE);
  const unsigned qs = std::min<unsigned>(
      static_cast<unsigned>(spec::Get(&base, cmdq ? rf::CMDQ_BASE_LOG2SIZE : rf::EVENTQ_BASE_LOG2SIZE)),
      cmdq ? p_.cmdqs : p_.eventqs);
  return (uint64_t{2} << qs) - 1;
}

bool Registers::IndexKnown(Reg r) const { return (unknown_[Index(r)] & IndexBits(r)) == 0; }

bool Registers::SmmuEnabled() const {
  const uint64_t cr0 = Read(Reg::CR0), ack = Read(Reg::CR0ACK);
  return spec::Get(&cr0, rf::CR0_SMMUEN) || spec::Get(&ack, rf::CR0_SMMUEN);
}
bool Registers::CmdqEnabled() const {
  const uint64_t cr0 = Read(Reg::CR0);
  return spec::Get(&cr0, rf::CR0_CMDQEN);
}
bool Registers::EventqEnabled() const {
  const uint64_t cr0 = Read(Reg::CR0);
  return spec::Get(&cr0, rf::CR0_EVENTQEN);
}
bool Registers::GbpaAbort() const {
  const uint64_t g = Read(Reg::GBPA);
  return spec::Get(&g, rf::GBPA_ABORT);
}
bool Registers::RecordInvalidSid() const {
  const uint64_t c = Read(Reg::CR2);
  return spec::Get(&c, rf::CR2_RECINVSID);
}
bool Registers::E2h() const {
  const uint64_t c = Read(Reg::CR2);
  return spec::Get(&c, rf::CR2_E2H);
}
bool Registers::GerrorActive(unsigned bit) const {
  return ((Read(Reg::GERROR) ^ Read(Reg::GERRORN)) >> bit) & 1;
}
void Registers::ToggleGerror(unsigned bit) {
  // R-REG-008: the SMMU toggles GERROR[x] only while x is inactive (GERROR[x] == GERRORN[x]).
  SMMUREF_RULE("R-REG-008");
  if (GerrorActive(bit)) return;
  value_[Index(Reg::GERROR)] ^= uint64_t{1} << bit;
}

}  // namespace smmuref::model::arch
