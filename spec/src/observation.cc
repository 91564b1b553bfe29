// Names and printing of the observation types.
#include "smmuref/spec/observation.h"
#include "smmuref/spec/error.h"
#include "smmuref/spec/format.h"

#include <cstdio>
#include <cstring>

namespace smmuref::spec {
namespace {

struct EventName {
  EventType type;
  const char* name;
};
constexpr EventName kEventNames[] = {
    {EventType::F_UUT, "F_UUT"},
    {EventType::C_BAD_STREAMID, "C_BAD_STREAMID"},
    {EventType::F_STE_FETCH, "F_STE_FETCH"},
    {EventType::C_BAD_STE, "C_BAD_STE"},
    {EventType::F_BAD_ATS_TREQ, "F_BAD_ATS_TREQ"},
    {EventType::F_STREAM_DISABLED, "F_STREAM_DISABLED"},
    {EventType::F_TRANSL_FORBIDDEN, "F_TRANSL_FORBIDDEN"},
    {EventType::C_BAD_SUBSTREAMID, "C_BAD_SUBSTREAMID"},
    {EventType::F_CD_FETCH, "F_CD_FETCH"},
    {EventType::C_BAD_CD, "C_BAD_CD"},
    {EventType::F_WALK_EABT, "F_WALK_EABT"},
    {EventType::F_TRANSLATION, "F_TRANSLATION"},
    {EventType::F_ADDR_SIZE, "F_ADDR_SIZE"},
    {EventType::F_ACCESS, "F_ACCESS"},
    {EventType::F_PERMISSION, "F_PERMISSION"},
    {EventType::F_TLB_CONFLICT, "F_TLB_CONFLICT"},
    {EventType::F_CFG_CONFLICT, "F_CFG_CONFLICT"},
    {EventType::E_PAGE_REQUEST, "E_PAGE_REQUEST"},
    {EventType::F_VMS_FETCH, "F_VMS_FETCH"},
};

constexpr const char* kRegNames[] = {
    "IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR",
    "CR0", "CR0ACK", "CR1", "CR2", "STATUSR", "GBPA", "IRQ_CTRL", "IRQ_CTRLACK",
    "GERROR", "GERRORN", "GERROR_IRQ_CFG0", "GERROR_IRQ_CFG1", "GERROR_IRQ_CFG2",
    "STRTAB_BASE", "STRTAB_BASE_CFG", "CMDQ_BASE", "CMDQ_PROD", "CMDQ_CONS",
    "EVENTQ_BASE", "EVENTQ_PROD", "EVENTQ_CONS", "EVENTQ_IRQ_CFG0", "EVENTQ_IRQ_CFG1",
    "EVENTQ_IRQ_CFG2",
};
static_assert(sizeof(kRegNames) / sizeof(kRegNames[0]) == static_cast<size_t>(Reg::kCount));


constexpr const char* kEventFieldNames[] = {
    "StreamID", "SSV", "SubstreamID", "Stall", "STAG", "PnU", "InD", "RnW", "S2", "CLASS",
    "TTRnW", "InputAddr", "IPA", "FetchAddr",
};
static_assert(sizeof(kEventFieldNames) / sizeof(kEventFieldNames[0]) ==
              static_cast<size_t>(EventField::kCount));
constexpr const char* kEventFieldVectorNames[] = {
    "sid", "ssv", "ssid", "stall", "stag", "pnu", "ind", "rnw", "s2", "class", "ttrnw", "addr",
    "ipa", "fetch",
};
static_assert(sizeof(kEventFieldVectorNames) / sizeof(kEventFieldVectorNames[0]) ==
              static_cast<size_t>(EventField::kCount));

struct EventFieldRow {
  EventType type;
  EventField field;
  FieldWhen when;
};
// The spellings of WHEN in event_defined.def.
namespace when {
constexpr FieldWhen ALWAYS = FieldWhen::kAlways, IF_SSV = FieldWhen::kIfSsv,
                    IF_S2 = FieldWhen::kIfS2, IF_TT = FieldWhen::kIfTt,
                    IF_STALL = FieldWhen::kIfStall, IMPDEF = FieldWhen::kImpDef,
                    SHARED = FieldWhen::kShared;
}  // namespace when

constexpr EventFieldRow kEventFieldRows[] = {
#define EVENT_FIELD(EVENT, FIELD, WHEN) {EventType::EVENT, EventField::FIELD, when::WHEN},
#include "smmuref/spec/event_defined.def"
#undef EVENT_FIELD
};

}  // namespace

const char* EventFieldName(EventField f) { return kEventFieldNames[static_cast<size_t>(f)]; }
const char* EventFieldVectorName(EventField f) {
  return kEventFieldVectorNames[static_cast<size_t>(f)];
}
bool ParseEventFieldVectorName(const std::string& name, EventField* out) {
  for (size_t i = 0; i < static_cast<size_t>(EventField::kCount); ++i) {
    if (name == kEventFieldVectorNames[i]) {
      *out = static_cast<EventField>(i);
      return true;
    }
  }
  return false;
}

uint64_t EventFieldValue(const EventRecord& r, EventField f) {
  switch (f) {
    case EventField::StreamID: return r.sid;
    case EventField::SSV: return r.ssv;
    case EventField::SubstreamID: return r.ssid;
    case EventField::Stall: return r.stall;
    case EventField::STAG: return r.stag;
    case EventField::PnU: return r.pnu;
    case EventField::InD: return r.ind;
    case EventField::RnW: return r.rnw;
    case EventField::S2: return r.s2;
    case EventField::CLASS: return static_cast<uint64_t>(r.cls);
    case EventField::TTRnW: return r.ttrnw;
    case EventField::InputAddr: return r.input_addr;
    case EventField::IPA: return r.ipa;
    case EventField::FetchAddr: return r.fetch_addr;
    case EventField::kCount: break;
  }
  SMMUREF_UNREACHABLE("event field out of range");
}

void SetEventField(EventRecord& r, EventField f, uint64_t v) {
  switch (f) {
    case EventField::StreamID: r.sid = static_cast<uint32_t>(v); return;
    case EventField::SSV: r.ssv = v != 0; return;
    case EventField::SubstreamID: r.ssid = static_cast<uint32_t>(v); return;
    case EventField::Stall: r.stall = v != 0; return;
    case EventField::STAG: r.stag = static_cast<uint16_t>(v); return;
    case EventField::PnU: r.pnu = v != 0; return;
    case EventField::InD: r.ind = v != 0; return;
    case EventField::RnW: r.rnw = v != 0; return;
    case EventField::S2: r.s2 = v != 0; return;
    case EventField::CLASS: r.cls = static_cast<FaultClass>(v & 3); return;
    case EventField::TTRnW: r.ttrnw = v != 0; return;
    case EventField::InputAddr: r.input_addr = v; return;
    case EventField::IPA: r.ipa = v; return;
    case EventField::FetchAddr: r.fetch_addr = v; return;
    case EventField::kCount: break;
  }
  SMMUREF_UNREACHABLE("event field out of range");
}

std::vector<DefinedField> DefinedFields(EventType t) {
  std::vector<DefinedField> out;
  for (const auto& row : kEventFieldRows) {
    if (row.type == t) out.push_back({row.field, row.when});
  }
  return out;
}

namespace {

// kEventFieldRows indexed by event type and field (the first row of a pair, as a scan finds it):
// EventFieldStatus runs for every field of every event the model makes or compares.
struct FieldIndex {
  static constexpr int kAbsent = -1;
  bool modelled[256] = {};
  int8_t when[256][static_cast<size_t>(EventField::kCount)] = {};
  constexpr FieldIndex() {
    for (auto& row : when) {
      for (auto& w : row) w = kAbsent;
    }
    for (const auto& row : kEventFieldRows) {
      const auto t = static_cast<uint8_t>(row.type);
      modelled[t] = true;
      int8_t& w = when[t][static_cast<size_t>(row.field)];
      if (w == kAbsent) w = static_cast<int8_t>(row.when);
    }
  }
};

// Built at compile time: no initialisation guard on the per-field path.
constexpr FieldIndex kFieldIndex;
const FieldIndex& Fields() { return kFieldIndex; }

}  // namespace

bool EventLayoutModelled(EventType t) { return Fields().modelled[static_cast<uint8_t>(t)]; }

FieldStatus EventFieldStatus(const EventRecord& r, EventField f) {
  if (!EventLayoutModelled(r.type)) {
    return f == EventField::StreamID ? FieldStatus::kDefined : FieldStatus::kUnknown;
  }
  const int8_t when = Fields().when[static_cast<uint8_t>(r.type)][static_cast<size_t>(f)];
  if (when != FieldIndex::kAbsent) {
    switch (static_cast<FieldWhen>(when)) {
      case FieldWhen::kAlways: return FieldStatus::kDefined;
      case FieldWhen::kIfSsv: return r.ssv ? FieldStatus::kDefined : FieldStatus::kUnknown;
      case FieldWhen::kIfS2: return r.s2 ? FieldStatus::kDefined : FieldStatus::kUnknown;
      case FieldWhen::kIfTt:
        return r.cls == FaultClass::TT ? FieldStatus::kDefined : FieldStatus::kUnknown;
      case FieldWhen::kIfStall: return r.stall ? FieldStatus::kDefined : FieldStatus::kUnknown;
      case FieldWhen::kImpDef:
      case FieldWhen::kShared: return FieldStatus::kUnknown;
    }
  }
  return FieldStatus::kRes0;
}

const char* FieldStatusName(FieldStatus s) {
  switch (s) {
    case FieldStatus::kDefined: return "defined";
    case FieldStatus::kUnknown: return "UNKNOWN";
    case FieldStatus::kRes0: return "RES0";
  }
  return "?";
}

uint64_t ComparedBits(EventField f, unsigned oas_bits) {
  if (f != EventField::FetchAddr) return ~uint64_t{0};
  const unsigned top = oas_bits < 56 ? oas_bits : 56;
  return ((uint64_t{1} << top) - 1) & ~uint64_t{7};
}

std::string EventFieldMismatch::ToString(const std::string& device) const {
  std::string s = std::string("event ") + EventTypeName(type) + " field " + EventFieldName(field);
  if (status == FieldStatus::kRes0) {
    return s + " is RES0 in this record: " + device + " wrote " + Hex(got) + ", must be 0";
  }
  return s + ": " + device + " wrote " + Hex(got) + ", the model allows " + Hex(want);
}

std::optional<EventFieldMismatch> CompareEventRecords(const EventRecord& got,
                                                      const EventRecord& want, unsigned oas_bits) {
  for (size_t i = 0; i < static_cast<size_t>(EventField::kCount); ++i) {
    const auto f = static_cast<EventField>(i);
    const FieldStatus st = EventFieldStatus(want, f);
    if (st == FieldStatus::kUnknown) continue;
    const uint64_t mask = ComparedBits(f, oas_bits);
    const uint64_t g = EventFieldValue(got, f) & mask;
    const uint64_t w = st == FieldStatus::kRes0 ? 0 : EventFieldValue(want, f) & mask;
    if (g != w) return EventFieldMismatch{want.type, f, st, EventFieldValue(got, f), w};
  }
  return std::nullopt;
}

bool EventsAgree(const EventRecord& got, const EventRecord& want, unsigned oas_bits) {
  return got.type == want.type && !CompareEventRecords(got, want, oas_bits);
}

bool TxnOutcome::SameObservation(const TxnOutcome& o, unsigned oas_bits) const {
  if (kind == Kind::kUnpredictable) return true;
  if (kind != o.kind || (kind == Kind::kOk && pa != o.pa)) return false;
  if (event.has_value() != o.event.has_value() || merged != o.merged) return false;
  return !event || EventsAgree(*o.event, *event, oas_bits);
}

const char* EventTypeName(EventType t) {
  for (const auto& e : kEventNames) {
    if (e.type == t) return e.name;
  }
  static thread_local char buf[16];
  std::snprintf(buf, sizeof buf, "EVENT_0x%02x", static_cast<unsigned>(t));
  return buf;
}

bool ParseEventType(const std::string& name, EventType* out) {
  for (const auto& e : kEventNames) {
    if (name == e.name) {
      *out = e.type;
      return true;
    }
  }
  return false;
}

const char* RegName(Reg r) { return kRegNames[static_cast<size_t>(r)]; }

bool ParseReg(const std::string& name, Reg* out) {
  std::string n = name.rfind("SMMU_", 0) == 0 ? name.substr(5) : name;
  for (size_t i = 0; i < static_cast<size_t>(Reg::kCount); ++i) {
    if (n == kRegNames[i]) {
      *out = static_cast<Reg>(i);
      return true;
    }
  }
  return false;
}

bool RegIs64(Reg r) {
  switch (r) {
    case Reg::STRTAB_BASE:
    case Reg::CMDQ_BASE:
    case Reg::EVENTQ_BASE:
    case Reg::GERROR_IRQ_CFG0:
    case Reg::EVENTQ_IRQ_CFG0:
      return true;
    default:
      return false;
  }
}

std::string ToString(const EventRecord& e) {
  // The fields the record defines, in vector spelling; UNKNOWN and RES0 fields are left out.
  static const char* kClass[] = {"CD", "TT", "IN", "3"};
  std::string s = EventTypeName(e.type);
  for (size_t i = 0; i < static_cast<size_t>(EventField::kCount); ++i) {
    const auto f = static_cast<EventField>(i);
    if (EventFieldStatus(e, f) != FieldStatus::kDefined) continue;
    const uint64_t v = EventFieldValue(e, f);
    s += std::string(" ") + EventFieldVectorName(f) + "=";
    if (f == EventField::CLASS) s += kClass[v & 3];
    else if (f == EventField::StreamID || f == EventField::SubstreamID || f == EventField::STAG ||
             f == EventField::InputAddr || f == EventField::IPA || f == EventField::FetchAddr)
      s += Hex(v);
    else s += std::to_string(v);
  }
  return s;
}

std::string ToString(const Txn& t) {
  std::string s = "sid=" + Hex(t.sid) + " ssid=" + (t.ssv ? Hex(t.ssid) : std::string("-"));
  s += " addr=" + Hex(t.addr) + " " + (t.write ? "w" : t.instr ? "x" : "r") + (t.priv ? "p" : "");
  return s;
}

std::string ToString(const TxnOutcome& o) {
  std::string s;
  switch (o.kind) {
    case TxnOutcome::Kind::kOk: s = "ok " + Hex(o.pa); break;
    case TxnOutcome::Kind::kAbort: s = "abort"; break;
    case TxnOutcome::Kind::kRazWi: s = "raz/wi"; break;
    case TxnOutcome::Kind::kUnpredictable: s = "unpredictable (any outcome)"; break;
  }
  if (o.event) s += " + event " + ToString(*o.event);
  if (o.merged) s += " merged into the previous record";
  if (!o.rule.empty()) s += " [" + o.rule + "]";
  if (!o.provenance.empty()) s += " {using " + o.provenance + "}";
  return s;
}

}  // namespace smmuref::spec
