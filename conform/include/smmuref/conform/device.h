// A device under test as the harness drives it: memory, registers, command processing and
// transactions. `model` is the reference; later implementations and plug-in DUTs implement the
// same interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smmuref/spec/error.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::conform {

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string Name() const = 0;
  // CPU view of memory.
  virtual void MemWrite64(uint64_t pa, uint64_t value) = 0;
  virtual uint64_t MemRead64(uint64_t pa) = 0;
  virtual void MemClean(uint64_t pa, uint64_t len) = 0;
  // Makes SMMU accesses to [pa, pa+len) fail with an external abort.
  virtual void MemAbort(uint64_t pa, uint64_t len) = 0;
  virtual uint64_t RegRead(spec::Reg r) = 0;
  // The bits of RegRead(r) that carry no defined value now and are not compared: RES0 and
  // IMPLEMENTATION DEFINED bits, and bits the architecture leaves UNKNOWN in the current state
  // (reset values, CMDQ_CONS.ERR while CMDQ_ERR is inactive, ...). The model knows them; a
  // concrete device reports 0 (it has a value for every bit) and is compared under the model's.
  virtual uint64_t RegUnknownMask(spec::Reg r) { return 0; }
  virtual void RegWrite(spec::Reg r, uint64_t value) = 0;
  virtual void RegWrite32(spec::Reg r, bool high, uint32_t value) = 0;
  virtual void ProcessCommands() = 0;
  // The outcomes this device allows (the model: every allowed outcome; a concrete device: the one
  // it produced). Then Commit adopts one of them. An error when the device cannot answer (the
  // model's allowed-set bound).
  virtual spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) = 0;
  virtual void Commit(const spec::TxnOutcome& o) = 0;
  // The vector line being executed, for provenance in reports (optional).
  virtual void SetLine(int line) {}
};

// The optimized implementation (impl/arch), when built: conform/src/impl_device.cc.
// `mutant` selects a deliberately wrong variant (impl/include/smmuref/impl/arch/mutant.h).
std::unique_ptr<Device> MakeImplDevice(const spec::Profile& p, int mutant = 0);
// The mutants built in (ids 1..N), with descriptions; empty without SMMUREF_MUTANTS.
std::vector<std::pair<int, std::string>> ImplMutants();

// Built-in devices by name: "model", and "impl" when the optimized implementation is built.
std::vector<std::string> DeviceNames();
spec::Result<std::unique_ptr<Device>> MakeDevice(const std::string& name, const spec::Profile& p);

}  // namespace smmuref::conform
