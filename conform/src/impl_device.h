// The optimized SMMUv3 engine (impl/arch) behind the Device interface, as a template over the
// engine type, so that the shipping build (impl_device.cc) and the mutant build
// (impl_mutant_device.cc) wrap their own Engine with the same code. The device is concrete, as
// hardware is: Translate completes the transaction, writing its event record through the
// engine's event queue, and returns the one outcome the engine produced.
// Tests: tests/conformance/device_test.cc, tests/CMakeLists.txt (mutants/*)
#pragma once

#include <string>
#include <vector>

#include "smmuref/conform/device.h"

namespace smmuref::conform {

template <typename EngineT>
class ImplDeviceT final : public Device {
 public:
  ImplDeviceT(const spec::Profile& p, int mutant)
      : engine_(p, Options(mutant)),
        name_(mutant ? "impl-mutant-" + std::to_string(mutant) : "impl") {}
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
    spec::TxnOutcome o = engine_.Translate(txn);
    engine_.Commit(o);
    return std::vector<spec::TxnOutcome>{std::move(o)};
  }

 private:
  static typename EngineT::Options Options(int mutant) {
    typename EngineT::Options o;
    o.mutant = mutant;
    return o;
  }
  EngineT engine_;
  std::string name_;
};

// The impl-mutant-K devices (impl_mutant_device.cc); nullptr when `mutant` is not one.
std::unique_ptr<Device> MakeImplMutantDevice(const spec::Profile& p, int mutant);

}  // namespace smmuref::conform
