// Whole field tables, register offsets and the event-record encoding, from spec/fields/*.def.
#include "smmuref/spec/tables.h"

#include "smmuref/spec/error.h"

namespace smmuref::spec {
namespace {

#define FIELD(NAME, MSB, LSB) Field{#NAME, MSB, LSB},
constexpr Field kL1Std[] = {
#include "spec/fields/l1std.def"
};
constexpr Field kSte[] = {
#include "spec/fields/ste.def"
};
constexpr Field kL1Cd[] = {
#include "spec/fields/l1cd.def"
};
constexpr Field kCd[] = {
#include "spec/fields/cd.def"
};
constexpr Field kDescS1[] = {
#include "spec/fields/desc_s1.def"
};
constexpr Field kDescS2[] = {
#include "spec/fields/desc_s2.def"
};
constexpr Field kEvent[] = {
#include "spec/fields/event.def"
};
#undef FIELD

template <size_t N>
constexpr FieldTable MakeTable(const char* name, const Field (&f)[N], unsigned dwords) {
  return FieldTable{name, f, N, dwords};
}

struct RegRow {
  Reg reg;
  uint32_t offset;
};
constexpr RegRow kRegs[] = {
#define REG(NAME, OFFSET, BITS) {Reg::NAME, OFFSET},
#define REGFIELD(R, NAME, MSB, LSB)
#include "spec/fields/regs.def"
#undef REG
#undef REGFIELD
};

struct OpRow {
  uint8_t op;
  const char* name;
};
constexpr OpRow kOps[] = {
#define OPCODE(NAME, VALUE) {VALUE, #NAME},
#include "spec/fields/cmd_opcodes.def"
#undef OPCODE
};

}  // namespace

const FieldTable& L1StdTable() { static const FieldTable t = MakeTable("L1STD", kL1Std, 1); return t; }
const FieldTable& SteTable() { static const FieldTable t = MakeTable("STE", kSte, 8); return t; }
const FieldTable& L1CdTable() { static const FieldTable t = MakeTable("L1CD", kL1Cd, 1); return t; }
const FieldTable& CdTable() { static const FieldTable t = MakeTable("CD", kCd, 8); return t; }
const FieldTable& DescS1Table() { static const FieldTable t = MakeTable("S1 descriptor", kDescS1, 1); return t; }
const FieldTable& DescS2Table() { static const FieldTable t = MakeTable("S2 descriptor", kDescS2, 1); return t; }
const FieldTable& EventTable() { static const FieldTable t = MakeTable("event record", kEvent, 4); return t; }

const char* CommandName(uint8_t opcode) {
  for (const auto& o : kOps) {
    if (o.op == opcode) return o.name;
  }
  return nullptr;
}

namespace {
constexpr uint64_t Bits(spec::Field f) {
  return (f.width() == 64 ? ~uint64_t{0} : ((uint64_t{1} << f.width()) - 1)) << f.lsb;
}
constexpr uint64_t Span(unsigned msb, unsigned lsb) {
  return ((msb == 63 ? ~uint64_t{0} : ((uint64_t{1} << (msb + 1)) - 1))) & ~((uint64_t{1} << lsb) - 1);
}
uint64_t If(bool b, uint64_t m) { return b ? m : 0; }

uint64_t Cr0Fields(const Profile& p) {
  using namespace reg;
  return Bits(CR0_SMMUEN) | Bits(CR0_EVENTQEN) | Bits(CR0_CMDQEN) | If(p.pri, Bits(CR0_PRIQEN)) |
         If(p.ats, Bits(CR0_ATSCHK));  // VMW needs IDR0.VMW, which no profile has
}
uint64_t GerrorFields(const Profile& p) {
  using namespace reg;
  return Bits(GERROR_CMDQ_ERR) | Bits(GERROR_EVENTQ_ABT_ERR) | Bits(GERROR_SFM_ERR) |
         If(p.pri, Bits(GERROR_PRIQ_ABT_ERR)) |
         If(p.msi, Bits(GERROR_MSI_CMDQ_ABT_ERR) | Bits(GERROR_MSI_EVENTQ_ABT_ERR) |
                       Bits(GERROR_MSI_GERROR_ABT_ERR)) |
         If(p.msi && p.pri, Bits(GERROR_MSI_PRIQ_ABT_ERR));
}
uint64_t IrqCfgFields(Reg r, const Profile& p) {
  // *_IRQ_CFG0 ADDR[55:2], CFG1 DATA[31:0], CFG2 SH[5:4] MemAttr[3:0], when MSIs are supported.
  if (!p.msi) return 0;
  if (r == Reg::GERROR_IRQ_CFG0 || r == Reg::EVENTQ_IRQ_CFG0) return Span(55, 2);
  if (r == Reg::GERROR_IRQ_CFG1 || r == Reg::EVENTQ_IRQ_CFG1) return Span(31, 0);
  return Span(5, 0);
}
}  // namespace

uint64_t RegDefinedMask(Reg r, const Profile& p) {
  using namespace reg;
  switch (r) {
    case Reg::IIDR: case Reg::IDR4: return 0;  // IMPLEMENTATION DEFINED
    case Reg::IDR5: return Span(31, 0) & ~Bits(IDR5_STALL_MAX);
    case Reg::IDR0: case Reg::IDR1: case Reg::IDR2: case Reg::IDR3: case Reg::AIDR:
      return Span(31, 0);
    case Reg::CR0: case Reg::CR0ACK: return Cr0Fields(p);
    case Reg::CR1: return Span(11, 0);
    case Reg::CR2:
      return Bits(CR2_RECINVSID) | If(p.hyp, Bits(CR2_E2H)) | If(p.btm, Bits(CR2_PTM));
    case Reg::STATUSR: return 0;  // DORMHINT is not in any profile
    case Reg::GBPA:
      // Without the override features the attribute fields read as zero or as written
      // (IMPLEMENTATION SPECIFIC) and MemAttr is UNKNOWN [§6.3.14]; NSCFG is for Secure streams.
      return Bits(GBPA_ABORT) | Bits(GBPA_UPDATE) |
             If(p.attr_types_ovr, Bits(GBPA_MemAttr) | Bits(GBPA_MTCFG) | Bits(GBPA_ALLOCCFG) |
                                      Bits(GBPA_SHCFG)) |
             If(p.attr_perms_ovr, Bits(GBPA_PRIVCFG) | Bits(GBPA_INSTCFG));
    case Reg::IRQ_CTRL: case Reg::IRQ_CTRLACK:
      return Bits(IRQ_CTRL_GERROR_IRQEN) | Bits(IRQ_CTRL_EVENTQ_IRQEN) |
             If(p.pri, Bits(IRQ_CTRL_PRIQ_IRQEN));
    case Reg::GERROR: case Reg::GERRORN: return GerrorFields(p);
    case Reg::GERROR_IRQ_CFG0: case Reg::GERROR_IRQ_CFG1: case Reg::GERROR_IRQ_CFG2:
    case Reg::EVENTQ_IRQ_CFG0: case Reg::EVENTQ_IRQ_CFG1: case Reg::EVENTQ_IRQ_CFG2:
      return IrqCfgFields(r, p);
    case Reg::STRTAB_BASE: return Bits(STRTAB_BASE_RA) | Bits(STRTAB_BASE_ADDR);
    case Reg::STRTAB_BASE_CFG:
      return Bits(STRTAB_BASE_CFG_LOG2SIZE) |
             If(p.st_level != 0, Bits(STRTAB_BASE_CFG_FMT) | Bits(STRTAB_BASE_CFG_SPLIT));
    case Reg::CMDQ_BASE:
      return Bits(CMDQ_BASE_RA) | Bits(CMDQ_BASE_ADDR) | Bits(CMDQ_BASE_LOG2SIZE);
    case Reg::CMDQ_PROD: return Bits(CMDQ_PROD_WR);
    case Reg::CMDQ_CONS: return Bits(CMDQ_CONS_RD) | Bits(CMDQ_CONS_ERR);
    case Reg::EVENTQ_BASE:
      return Bits(EVENTQ_BASE_WA) | Bits(EVENTQ_BASE_ADDR) | Bits(EVENTQ_BASE_LOG2SIZE);
    case Reg::EVENTQ_PROD: return Bits(EVENTQ_PROD_WR) | Bits(EVENTQ_PROD_OVFLG);
    case Reg::EVENTQ_CONS: return Bits(EVENTQ_CONS_RD) | Bits(EVENTQ_CONS_OVACKFLG);
    case Reg::kCount: break;
  }
  SMMUREF_UNREACHABLE("register without a defined mask");
}

uint32_t RegOffset(Reg r) {
  for (const auto& row : kRegs) {
    if (row.reg == r) return row.offset;
  }
  SMMUREF_UNREACHABLE("register without an offset in regs.def");
}

bool RegByOffset(uint32_t offset, Reg* out) {
  for (const auto& row : kRegs) {
    if (row.offset == offset) {
      *out = row.reg;
      return true;
    }
  }
  return false;
}

void EncodeEvent(const EventRecord& e, uint64_t out[4]) {
  for (int i = 0; i < 4; ++i) out[i] = 0;
  Set(out, event::EventID, static_cast<uint64_t>(e.type));
  Set(out, event::StreamID, e.sid);
  Set(out, event::SSV, e.ssv);
  Set(out, event::SubstreamID, e.ssid);
  Set(out, event::STAG, e.stag);
  Set(out, event::Stall, e.stall);
  Set(out, event::PnU, e.pnu);
  Set(out, event::InD, e.ind);
  Set(out, event::RnW, e.rnw);
  Set(out, event::S2, e.s2);
  Set(out, event::CLASS, static_cast<uint64_t>(e.cls));
  Set(out, event::TTRnW, e.ttrnw);
  Set(out, event::InputAddr, e.input_addr);
  // IPA and FetchAddr share DW3; a record carries one or the other.
  if (e.fetch_addr) Set(out, event::FetchAddr, e.fetch_addr >> 3);
  else Set(out, event::IPA, e.ipa >> 12);
}

EventRecord DecodeEvent(const uint64_t in[4]) {
  EventRecord e;
  e.type = static_cast<EventType>(Get(in, event::EventID));
  e.sid = static_cast<uint32_t>(Get(in, event::StreamID));
  e.ssv = Get(in, event::SSV);
  e.ssid = static_cast<uint32_t>(Get(in, event::SubstreamID));
  e.stag = static_cast<uint16_t>(Get(in, event::STAG));
  e.stall = Get(in, event::Stall);
  e.pnu = Get(in, event::PnU);
  e.ind = Get(in, event::InD);
  e.rnw = Get(in, event::RnW);
  e.s2 = Get(in, event::S2);
  e.cls = static_cast<FaultClass>(Get(in, event::CLASS));
  e.ttrnw = Get(in, event::TTRnW);
  e.input_addr = Get(in, event::InputAddr);
  const bool fetch = e.type == EventType::F_STE_FETCH || e.type == EventType::F_CD_FETCH ||
                     e.type == EventType::F_WALK_EABT || e.type == EventType::F_VMS_FETCH;
  if (fetch) e.fetch_addr = Get(in, event::FetchAddr) << 3;
  else e.ipa = Get(in, event::IPA) << 12;
  return e;
}

}  // namespace smmuref::spec
