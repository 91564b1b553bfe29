// Built-in devices: the reference model.
#include "smmuref/conform/device.h"

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
  void Commit(const spec::TxnOutcome& o) override { smmu_.Commit(o); }

 private:
  model::arch::Smmu smmu_;
};

}  // namespace

std::vector<std::string> DeviceNames() {
  std::vector<std::string> names{"model"};
#ifdef SMMUREF_HAVE_IMPL
  names.push_back("impl");
  for (const auto& [id, what] : ImplMutants()) names.push_back("impl-mutant-" + std::to_string(id));
#endif
  return names;
}

spec::Result<std::unique_ptr<Device>> MakeDevice(const std::string& name, const spec::Profile& p) {
  if (name == "model") return std::unique_ptr<Device>(new ModelDevice(p));
#ifdef SMMUREF_HAVE_IMPL
  if (name == "impl") return MakeImplDevice(p);
  const std::string prefix = "impl-mutant-";
  if (name.rfind(prefix, 0) == 0) {
    for (const auto& [id, what] : ImplMutants()) {
      if (name == prefix + std::to_string(id)) return MakeImplDevice(p, id);
    }
  }
#endif
  std::string known;
  for (const auto& n : DeviceNames()) known += (known.empty() ? "" : ", ") + n;
  return spec::Error{"", "unknown device '" + name + "' (built-in: " + known + ")"};
}

}  // namespace smmuref::conform
