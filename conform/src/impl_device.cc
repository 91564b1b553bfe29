// Built-in device "impl": the optimized SMMUv3 engine (impl/arch) behind the Device interface.
// It returns the one outcome it produced; Commit writes that outcome's event record through the
// engine's event queue.
#include <memory>
#include <string>

#include "smmuref/conform/device.h"
#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::conform {

namespace {

class ImplDevice final : public Device {
 public:
  ImplDevice(const spec::Profile& p, int mutant)
      : engine_(p, Options(mutant)), name_(mutant ? "impl-mutant-" + std::to_string(mutant) : "impl") {}
  std::string Name() const override { return name_; }
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
  static impl::arch::Engine::Options Options(int mutant) {
    impl::arch::Engine::Options o;
    o.mutant = mutant;
    return o;
  }
  impl::arch::Engine engine_;
  std::string name_;
};

}  // namespace

std::unique_ptr<Device> MakeImplDevice(const spec::Profile& p, int mutant) {
  return std::make_unique<ImplDevice>(p, mutant);
}

}  // namespace smmuref::conform

namespace smmuref::conform {

std::vector<std::pair<int, std::string>> ImplMutants() {
  std::vector<std::pair<int, std::string>> out;
#if SMMUREF_MUTANTS
  int n = 0;
  const impl::arch::MutantInfo* m = impl::arch::Mutants(&n);
  for (int i = 0; i < n; ++i) out.emplace_back(m[i].id, m[i].description);
#endif
  return out;
}

}  // namespace smmuref::conform
