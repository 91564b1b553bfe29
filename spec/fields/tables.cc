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
