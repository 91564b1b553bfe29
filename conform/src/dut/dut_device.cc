// DutDevice, the harness's memory, the profile as a DUT is told it, and DUT names (dut_device.h).
// Tests: tests/conformance/dut_abi_test.cc, tests/conformance/dut_process_test.cc
#include "dut_device.h"

#include <sys/stat.h>

#include "smmuref/spec/format.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::dut {

using spec::Hex;

uint64_t HarnessMemory::Peek(uint64_t pa) const {
  auto it = words_.find(pa & ~uint64_t{7});
  return it == words_.end() ? 0 : it->second;  // never written: zero
}

void HarnessMemory::Poke(uint64_t pa, uint64_t value) {
  if (value == 0) words_.erase(pa & ~uint64_t{7});
  else words_[pa & ~uint64_t{7}] = value;
}

void HarnessMemory::AddAbortRange(uint64_t pa, uint64_t len) {
  if (len == 0) return;
  aborts_.emplace_back(pa, len - 1 > ~uint64_t{0} - pa ? ~uint64_t{0} : pa + (len - 1));
}

bool HarnessMemory::Aborts(uint64_t pa) const {
  for (const auto& [lo, hi] : aborts_) {
    if (pa + 7 >= lo && pa <= hi) return true;
  }
  return false;
}

bool HarnessMemory::Check(uint64_t pa, const char* what) {
  if ((pa & 7) == 0) return true;
  if (violation_.empty()) {
    violation_ = std::string(what) + " at " + Hex(pa) + ", which is not 8-byte aligned";
  }
  return false;
}

bool HarnessMemory::SmmuRead(uint64_t pa, uint64_t* value) {
  *value = 0;
  if (!Check(pa, "mem_read") || Aborts(pa)) return false;
  *value = Peek(pa);
  return true;
}

bool HarnessMemory::SmmuWrite(uint64_t pa, uint64_t value) {
  if (!Check(pa, "mem_write") || Aborts(pa)) return false;
  Poke(pa, value);
  return true;
}

const smmuref_dut_memory* HarnessMemory::Callbacks() {
  smmuref_dut_memory& m = callbacks_;
  m.ctx = this;
  m.read64 = [](void* ctx, uint64_t pa, uint64_t* v) {
    return static_cast<HarnessMemory*>(ctx)->SmmuRead(pa, v) ? 0 : 1;
  };
  m.write64 = [](void* ctx, uint64_t pa, uint64_t v) {
    return static_cast<HarnessMemory*>(ctx)->SmmuWrite(pa, v) ? 0 : 1;
  };
  return &m;
}

DutProfile DescribeProfile(const spec::Profile& p) {
  DutProfile d;
  auto model = MakeDevice("model", p);
  SMMUREF_CHECK(model.ok(), "the model is always built");
  const spec::Reg idrs[6] = {spec::Reg::IDR0, spec::Reg::IDR1, spec::Reg::IDR2,
                             spec::Reg::IDR3, spec::Reg::IDR4, spec::Reg::IDR5};
  for (int i = 0; i < 6; ++i) d.idr[i] = static_cast<uint32_t>((*model)->RegRead(idrs[i]));
  d.aidr = static_cast<uint32_t>((*model)->RegRead(spec::Reg::AIDR));
  d.coherent_walk = p.coherent_walk;
  d.name = p.name;
  for (const auto& [key, value] : spec::ProfileValues(p)) {
    d.values[key] = static_cast<int64_t>(value);
  }
  for (const auto& c : spec::ChoiceKeys()) d.values[c.key] = p.choice(c.choice);
  d.text = spec::PrintProfile(p);
  return d;
}

bool DutDevice::Ok(const spec::Error* e, const char* during) {
  if (Stopped()) return false;
  if (e) {
    Stop(spec::Error{"", std::string(e->message) + " (" + during + ")", e->kind});
    return false;
  }
  if (!mem_->violation().empty()) {
    Stop(spec::Error{"", "broke the memory contract: " + mem_->violation() + " (" + during + ")",
                     spec::ErrorKind::kDeviceFailure});
    return false;
  }
  return true;
}

void DutDevice::Note(uint32_t kind, uint64_t pa, uint64_t value) {
  if (Stopped()) return;
  smmuref_dut_note n{};
  n.kind = kind;
  n.seq = ++seq_;
  n.pa = pa;
  n.value = value;
  auto r = link_->Note(n);
  Ok(r ? nullptr : &r.error(), "taking a memory note");
}

void DutDevice::MemWrite64(uint64_t pa, uint64_t value) {
  mem_->Poke(pa, value);
  Note(SMMUREF_DUT_NOTE_WRITE, pa & ~uint64_t{7}, value);
}

void DutDevice::MemClean(uint64_t pa, uint64_t len) { Note(SMMUREF_DUT_NOTE_CLEAN, pa, len); }

void DutDevice::MemAbort(uint64_t pa, uint64_t len) {
  mem_->AddAbortRange(pa, len);
  Note(SMMUREF_DUT_NOTE_ABORT, pa, len);
}

uint64_t DutDevice::RegRead(spec::Reg r) {
  if (Stopped()) return 0;
  auto v = link_->RegRead(spec::RegOffset(r), spec::RegIs64(r) ? 64 : 32);
  const std::string during = std::string("reading ") + spec::RegName(r);
  return Ok(v ? nullptr : &v.error(), during.c_str()) ? *v : 0;
}

void DutDevice::RegWrite(spec::Reg r, uint64_t value) {
  if (Stopped()) return;
  auto w = link_->RegWrite(spec::RegOffset(r), spec::RegIs64(r) ? 64 : 32, value);
  const std::string during = std::string("writing ") + spec::RegName(r);
  Ok(w ? nullptr : &w.error(), during.c_str());
}

void DutDevice::RegWrite32(spec::Reg r, bool high, uint32_t value) {
  if (Stopped()) return;
  auto w = link_->RegWrite(spec::RegOffset(r) + (high ? 4 : 0), 32, value);
  const std::string during = std::string("writing ") + spec::RegName(r) + (high ? "+4" : "");
  Ok(w ? nullptr : &w.error(), during.c_str());
}

void DutDevice::ProcessCommands() {
  if (Stopped()) return;
  auto r = link_->Process();
  Ok(r ? nullptr : &r.error(), "processing commands");
}

spec::Result<std::vector<spec::TxnOutcome>> DutDevice::Translate(const spec::Txn& txn) {
  if (Stopped()) return *Stopped();
  smmuref_dut_txn t{};
  t.sid = txn.sid;
  t.ssid = txn.ssid;
  t.ssv = txn.ssv;
  t.access = txn.write ? SMMUREF_DUT_WRITE : txn.instr ? SMMUREF_DUT_EXEC : SMMUREF_DUT_READ;
  t.priv = txn.priv;
  t.addr = txn.addr;
  auto got = link_->Translate(t);
  const std::string during = "txn " + spec::ToString(txn);
  if (!Ok(got ? nullptr : &got.error(), during.c_str())) return *Stopped();
  spec::TxnOutcome o;
  using K = spec::TxnOutcome::Kind;
  switch (got->kind) {
    case SMMUREF_DUT_COMPLETED: o.kind = K::kOk; o.pa = got->pa; break;
    case SMMUREF_DUT_ABORTED: o.kind = K::kAbort; break;
    case SMMUREF_DUT_RAZ_WI: o.kind = K::kRazWi; break;
    default:
      Stop(spec::Error{"", "answered " + during + " with outcome kind " +
                               std::to_string(got->kind) + ", which dut.h does not define",
                       spec::ErrorKind::kDeviceFailure});
      return *Stopped();
  }
  o.event_reported = got->event_reported;
  if (got->event) o.event = spec::DecodeEvent(got->event->data());
  return std::vector<spec::TxnOutcome>{std::move(o)};
}

bool LocateReg(uint32_t offset, uint32_t size, spec::Reg* r, bool* high) {
  *high = false;
  if (!spec::RegByOffset(offset, r)) {
    *high = true;
    if (offset < 4 || !spec::RegByOffset(offset - 4, r) || !spec::RegIs64(*r)) return false;
  }
  return size != 64 || (!*high && spec::RegIs64(*r));
}

bool IsProcessName(const std::string& name) { return name.rfind("exec:", 0) == 0; }

bool IsPluginName(const std::string& name) {
  if (IsProcessName(name)) return false;
  return name.find('/') != std::string::npos ||
         (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0);
}

std::string DutNameProblem(const std::string& name) {
  if (IsProcessName(name)) {
    return name.size() > 5 ? "" : "'exec:' needs a command, e.g. exec:./my-smmu";
  }
  struct stat st;
  if (stat(name.c_str(), &st) != 0) return "DUT plug-in '" + name + "' does not exist";
  if (!S_ISREG(st.st_mode)) return "DUT plug-in '" + name + "' is not a regular file";
  return "";
}

spec::Result<std::unique_ptr<Device>> MakeDut(const std::string& name, const spec::Profile& p) {
  if (const std::string problem = DutNameProblem(name); !problem.empty()) {
    return spec::Error{"", problem};
  }
  const DutProfile profile = DescribeProfile(p);
  auto mem = std::make_unique<HarnessMemory>();
  spec::Result<std::unique_ptr<DutLink>> link = spec::Error{};
  if (IsProcessName(name)) {
    link = MakeProcessLink(name.substr(5), profile, mem.get(), -1);
  } else {
    auto ops = LoadPlugin(name);
    if (!ops) return ops.error();
    link = MakePluginLink(*ops, profile, mem.get());
  }
  if (!link) return spec::Error{"", name + ": " + link.error().message, link.error().kind};
  return std::unique_ptr<Device>(new DutDevice(name, std::move(mem), std::move(*link)));
}

}  // namespace smmuref::conform::dut
