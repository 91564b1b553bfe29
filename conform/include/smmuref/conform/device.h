// A device under test as the harness drives it: memory, registers, command processing and
// transactions. The first three are spec::Bus (spec/bus.h), the interface a driver programs, so
// every device is also a bus a driver can run over. `model` is the reference; `impl`, the mutants and plug-in DUTs (dut.h, the
// JSON-lines protocol) implement the same interface.
//
// The contract is one a real device can meet. A concrete device completes each step when it is
// asked to: Translate performs the whole transaction, event record included, whenever the device
// writes it. The harness observes before and after each step (EVENTQ_PROD and the records in
// memory), never in between. Only the model, which answers with every allowed outcome, needs a
// second step: Adopt, which makes one allowed outcome the one that happened. A device that breaks
// (crashes, hangs, breaks its protocol) or says it does not implement what a step needs reports
// it through Stopped(), which stays set: that is not a disagreement with the model.
// Tests: tests/conformance/device_test.cc, tests/conformance/seam_test.cc
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smmuref/spec/bus.h"
#include "smmuref/spec/error.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::conform {

class Device : public spec::Bus {
 public:
  virtual std::string Name() const = 0;
  // CPU view of memory (spec::Bus).
  void MemWrite64(uint64_t pa, uint64_t value) override = 0;
  uint64_t MemRead64(uint64_t pa) override = 0;
  void MemClean(uint64_t pa, uint64_t len) override = 0;
  // Makes SMMU accesses to [pa, pa+len) fail with an external abort.
  virtual void MemAbort(uint64_t pa, uint64_t len) = 0;
  uint64_t RegRead(spec::Reg r) override = 0;
  // The bits of RegRead(r) that carry no defined value now and are not compared: RES0 and
  // IMPLEMENTATION DEFINED bits, and bits the architecture leaves UNKNOWN in the current state
  // (reset values, CMDQ_CONS.ERR while CMDQ_ERR is inactive, ...). The model knows them; a
  // concrete device reports 0 (it has a value for every bit) and is compared under the model's.
  virtual uint64_t RegUnknownMask(spec::Reg r) { return 0; }
  void RegWrite(spec::Reg r, uint64_t value) override = 0;
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override = 0;
  void ProcessCommands() override = 0;
  // Presents one transaction. A concrete device completes it (writing any event record to its
  // event queue) and returns the one outcome the client saw; its `event` is the record it
  // attempted, when it can say (a device that cannot leaves it empty: the record in memory is
  // what is compared). The model returns every allowed outcome and completes nothing until
  // Adopt. An error when the device cannot answer: the model's allowed-set bound
  // (ErrorKind::kBound), or a device that stopped (Stopped()).
  virtual spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) = 0;
  // Model-only: the allowed outcome `o` (one Translate returned) is the one that happened; its
  // event record goes to the event queue. A concrete device has nothing left to do.
  virtual void Adopt(const spec::TxnOutcome& o) {}
  // Whether Translate completes the transaction (every device but the model).
  virtual bool Concrete() const { return true; }
  // The vector line being executed, for provenance in reports (optional).
  virtual void SetLine(int line) {}
  // Set once the device failed (ErrorKind::kDeviceFailure) or said it does not implement what a
  // step needed (kNotImplemented); stays set. Steps after it do nothing and reads return 0.
  virtual const std::optional<spec::Error>& Stopped() const { return stopped_; }

 protected:
  // Records the first reason the device stopped; later ones are dropped.
  void Stop(spec::Error e) {
    if (!stopped_) stopped_ = std::move(e);
  }

 private:
  std::optional<spec::Error> stopped_;
};

// The optimized implementation (impl/arch), when built: conform/src/impl_device.cc.
// `mutant` selects a deliberately wrong variant (impl/include/smmuref/impl/arch/mutant.h).
std::unique_ptr<Device> MakeImplDevice(const spec::Profile& p, int mutant = 0);
// The mutants built in (ids 1..N), with descriptions; empty without SMMUREF_MUTANTS.
std::vector<std::pair<int, std::string>> ImplMutants();

// Built-in devices by name: "model", and "impl" when the optimized implementation is built.
std::vector<std::string> DeviceNames();
// A device by name: a built-in one, one registered with RegisterDevice, a shared object
// implementing dut.h (a name ending in ".so" or containing '/': conform/src/dut/plugin_device.cc)
// or an out-of-process DUT ("exec:COMMAND": conform/src/dut/process_device.cc). A device that
// cannot be made for `p` is an Error: kBadInput for an unknown name, kNotImplemented when the
// DUT refuses the profile, kDeviceFailure when it broke.
spec::Result<std::unique_ptr<Device>> MakeDevice(const std::string& name, const spec::Profile& p);
// Whether `name` names a device MakeDevice can try to make (built-in, registered, a plug-in path
// or an exec: command); an empty string or what is wrong with it.
std::string DeviceNameProblem(const std::string& name);

// Registers a device factory under `name` (tests, embedders); replaces one of the same name.
using DeviceFactory = std::function<spec::Result<std::unique_ptr<Device>>(const spec::Profile&)>;
void RegisterDevice(const std::string& name, DeviceFactory make);

}  // namespace smmuref::conform
