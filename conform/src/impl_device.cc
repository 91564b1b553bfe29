// Built-in device "impl": the optimized SMMUv3 engine (impl/arch) behind the Device interface.
// It returns the one outcome it produced; Commit writes that outcome's event record through the
// engine's event queue.
#include <memory>

#include "smmuref/conform/device.h"
#include "smmuref/impl/arch/engine.h"

namespace smmuref::conform {

namespace {

class ImplDevice final : public Device {
 public:
  explicit ImplDevice(const spec::Profile& p) : engine_(p) {}
  std::string Name() const override { return "impl"; }
  void MemWrite64(uint64_t pa, uint64_t value) override { engine_.MemWrite64(pa, value); }
  uint64_t MemRead64(uint64_t pa) override { return engine_.MemRead64(pa); }
  // The engine's walker is coherent: it sees every CPU write at once, which a non-coherent
  // system also allows.
  void MemClean(uint64_t, uint64_t) override {}
  void MemAbort(uint64_t pa, uint64_t len) override { engine_.AddAbortRange(pa, len); }
  uint64_t RegRead(spec::Reg r) override { return engine_.ReadReg(r); }
  void RegWrite(spec::Reg r, uint64_t value) override { engine_.WriteReg(r, value); }
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override {
    engine_.WriteReg32(r, high, value);
  }
  void ProcessCommands() override { engine_.ProcessCommands(); }
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) override {
    return std::vector<spec::TxnOutcome>{engine_.Translate(txn)};
  }
  void Commit(const spec::TxnOutcome& o) override { engine_.Commit(o); }

 private:
  impl::arch::Engine engine_;
};

}  // namespace

std::unique_ptr<Device> MakeImplDevice(const spec::Profile& p) {
  return std::make_unique<ImplDevice>(p);
}

}  // namespace smmuref::conform
