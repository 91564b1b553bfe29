// Names and printing of the observation types.
#include "smmuref/spec/observation.h"
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


}  // namespace

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
  static const char* kClass[] = {"CD", "TT", "IN", "3"};
  std::string s = EventTypeName(e.type);
  s += " sid=" + Hex(e.sid);
  if (e.type != EventType::C_BAD_SUBSTREAMID) s += " ssv=" + std::to_string(e.ssv);
  if (e.ssv || e.type == EventType::C_BAD_SUBSTREAMID) s += " ssid=" + Hex(e.ssid);
  s += " addr=" + Hex(e.input_addr);
  s += " rnw=" + std::to_string(e.rnw) + " ind=" + std::to_string(e.ind) +
       " pnu=" + std::to_string(e.pnu);
  s += " s2=" + std::to_string(e.s2) + " class=" + kClass[static_cast<unsigned>(e.cls) & 3];
  if (e.s2) s += " ipa=" + Hex(e.ipa);
  if (e.fetch_addr) s += " fetch=" + Hex(e.fetch_addr);
  if (e.ttrnw) s += " ttrnw=1";
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
  }
  if (o.event) s += " + event " + ToString(*o.event);
  if (!o.rule.empty()) s += " [" + o.rule + "]";
  if (!o.provenance.empty()) s += " {using " + o.provenance + "}";
  return s;
}

}  // namespace smmuref::spec
