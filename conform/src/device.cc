// Built-in devices (the reference model; impl in impl_device.cc), the registry of named device
// factories, and device names: built-in, registered, dut.h plug-ins and exec: commands.
// Tests: tests/conformance/device_test.cc, tests/conformance/seam_test.cc
#include "smmuref/conform/device.h"

#include <map>
#include <mutex>

#include "dut/dut_device.h"
#include "qemu_device.h"
#include "smmuref/model/arch/smmu.h"

namespace smmuref::conform {

namespace {

class ModelDevice final : public Device {
 public:
  explicit ModelDevice(const spec::Profile& p) : smmu_(p) {}
  std::string Name() const override { return "model"; }
  void MemWrite64(uint64_t pa, uint64_t value) override { smmu_.memory().Write64(pa, value); }
  void SetLine(int line) override { smmu_.SetLine(line); }
  uint64_t MemRead64(uint64_t pa) override { return smmu_.memory().Peek64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override { smmu_.memory().Clean(pa, len); }
  void MemAbort(uint64_t pa, uint64_t len) override { smmu_.memory().AddAbortRange(pa, len); }
  uint64_t RegRead(spec::Reg r) override { return smmu_.ReadReg(r); }
  uint64_t RegUnknownMask(spec::Reg r) override { return smmu_.RegUnknownMask(r); }
  void RegWrite(spec::Reg r, uint64_t value) override { smmu_.WriteReg(r, value); }
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override {
    smmu_.WriteReg32(r, high, value);
  }
  void ProcessCommands() override { smmu_.ProcessCommands(); }
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) override {
    return smmu_.Translate(txn);
  }
  void Adopt(const spec::TxnOutcome& o) override { smmu_.Commit(o); }
  bool Concrete() const override { return false; }

 private:
  model::arch::Smmu smmu_;
};

struct Registry {
  std::mutex mu;
  std::map<std::string, DeviceFactory> factories;
};
Registry& Registered() {
  static Registry r;
  return r;
}

DeviceFactory FindRegistered(const std::string& name) {
  Registry& r = Registered();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.factories.find(name);
  return it == r.factories.end() ? DeviceFactory{} : it->second;
}

// A built-in dut.h table driven exactly as a plug-in's is.
spec::Result<std::unique_ptr<Device>> MakeBuiltInDut(const std::string& name,
                                                     const smmuref_dut_ops* ops,
                                                     const spec::Profile& p) {
  auto mem = std::make_unique<dut::HarnessMemory>();
  auto link = dut::MakePluginLink(ops, dut::DescribeProfile(p), mem.get());
  if (!link) return link.error();
  return std::unique_ptr<Device>(new dut::DutDevice(name, std::move(mem), std::move(*link)));
}

std::string KnownNames() {
  std::string known;
  for (const auto& n : DeviceNames()) known += (known.empty() ? "" : ", ") + n;
  return known;
}

}  // namespace

void RegisterDevice(const std::string& name, DeviceFactory make) {
  Registry& r = Registered();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factories[name] = std::move(make);
}

std::string DeviceNameProblem(const std::string& name) {
  for (const auto& n : DeviceNames()) {
    if (n == name) return "";
  }
  if (FindRegistered(name)) return "";
  if (dut::IsPluginName(name) || dut::IsProcessName(name)) return dut::DutNameProblem(name);
  if (IsQemuName(name)) return QemuNameProblem(name);
  return "unknown device '" + name + "' (built-in: " + KnownNames() +
         "; or PATH.so, a dut.h plug-in; or exec:COMMAND, a DUT over spec/dut-protocol.md; or qemu, "
         "QEMU 7.2's SMMUv3)";
}

std::vector<std::string> DeviceNames() {
  std::vector<std::string> names{"model", "model-abi"};
#ifdef SMMUREF_HAVE_IMPL
  names.push_back("impl");
  names.push_back("impl-abi");
  for (const auto& [id, what] : ImplMutants()) names.push_back("impl-mutant-" + std::to_string(id));
#endif
  return names;
}

spec::Result<std::unique_ptr<Device>> MakeDevice(const std::string& name, const spec::Profile& p) {
  if (name == "model") return std::unique_ptr<Device>(new ModelDevice(p));
  // The model through dut.h v2, its memory's history from the harness's notes
  // (conform/src/dut/model_plugin.cc).
  if (name == "model-abi") return MakeBuiltInDut(name, dut::ModelDutOps(), p);
  if (DeviceFactory make = FindRegistered(name)) return make(p);
  if (dut::IsPluginName(name) || dut::IsProcessName(name)) return dut::MakeDut(name, p);
  if (IsQemuName(name)) return MakeQemuDevice(name, p);
#ifdef SMMUREF_HAVE_IMPL
  if (name == "impl") return MakeImplDevice(p);
  // The engine through dut.h (conform/src/dut/impl_plugin.cc).
  if (name == "impl-abi") return MakeBuiltInDut(name, dut::ImplDutOps(), p);
  const std::string prefix = "impl-mutant-";
  if (name.rfind(prefix, 0) == 0) {
    for (const auto& [id, what] : ImplMutants()) {
      if (name == prefix + std::to_string(id)) return MakeImplDevice(p, id);
    }
  }
#endif
  return spec::Error{"", DeviceNameProblem(name)};
}

}  // namespace smmuref::conform
