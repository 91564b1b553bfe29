// Registers [IHI0070 §6.2-§6.3]. Rules R-REG-*.
// Tests: tests/model/arch/regs_test.cc, corpus/vectors/regs/*.vec
#include "smmuref/model/arch/regs.h"

#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

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
  // R-REG-002: every other register resets to zero; in particular GBPA.ABORT=0, so with
  // SMMUEN=0 traffic bypasses [decision: GBPA's reset value is IMPLEMENTATION DEFINED; zero is
  // the value a vector can rely on and override].
  SMMUREF_RULE("R-REG-002");
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
      // every update at once (an allowed timing).
      SMMUREF_RULE("R-REG-003");
      value_[Index(r)] = v;
      value_[Index(Reg::CR0ACK)] = v;
      return;
    case Reg::IRQ_CTRL:
      value_[Index(r)] = v;
      value_[Index(Reg::IRQ_CTRLACK)] = v;
      return;
    case Reg::GBPA:
      // R-REG-004: GBPA changes only by a write with UPDATE=1; the update completes at once and
      // UPDATE reads as 0; the attribute fields (MemAttr, MTCFG, ALLOCCFG, SHCFG, NSCFG, PRIVCFG,
      // INSTCFG) keep what was written [§6.3.14; v3.1 leaves other writes CONSTRAINED
      // UNPREDICTABLE and this model ignores them as v3.2 requires].
      if (SMMUREF_RULE_IF("R-REG-004", spec::Get(&v, spec::reg::GBPA_UPDATE) != 0)) {
        spec::Set(&v, spec::reg::GBPA_UPDATE, 0);
        value_[Index(r)] = v;
      }
      return;
    case Reg::STRTAB_BASE:
    case Reg::STRTAB_BASE_CFG:
      // R-REG-005: stream table base registers ignore writes while SMMUEN or CR0ACK.SMMUEN is 1.
      if (SMMUREF_RULE_IF("R-REG-005", SmmuEnabled())) return;
      break;
    case Reg::CMDQ_BASE:
    case Reg::CMDQ_CONS:
      // R-REG-006: CMDQ_BASE and CMDQ_CONS ignore writes while CMDQEN is 1.
      if (SMMUREF_RULE_IF("R-REG-006", CmdqEnabled())) return;
      break;
    case Reg::EVENTQ_BASE:
    case Reg::EVENTQ_PROD:
      // R-REG-007: EVENTQ_BASE and EVENTQ_PROD ignore writes while EVENTQEN is 1.
      if (SMMUREF_RULE_IF("R-REG-007", EventqEnabled())) return;
      break;
    default:
      break;
  }
  value_[Index(r)] = v;
}

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
