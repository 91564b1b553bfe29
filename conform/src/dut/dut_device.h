// Devices under test that are not built in: a shared object implementing the C ABI
// (spec/include/smmuref/dut.h, loaded by plugin_device.cc) or a process speaking the JSON-lines
// protocol (spec/dut-protocol.md, process_device.cc). Both are a DutLink, the DUT's side of the
// contract in offsets and words; DutDevice puts the harness's memory and the Device interface
// around it. The harness owns memory: the DUT reads and writes it through callbacks, and the
// harness reads the event records the DUT wrote from it.
// Tests: tests/conformance/dut_abi_test.cc, tests/conformance/dut_process_test.cc
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smmuref/conform/device.h"
#include "smmuref/dut.h"

namespace smmuref::conform::dut {

// Memory owned by the harness: 8-byte words, zero where never written, with abort ranges for
// the SMMU's accesses (`mem.abort`). A DUT access that breaks the contract (unaligned) is
// remembered as a protocol violation.
class HarnessMemory {
 public:
  uint64_t Peek(uint64_t pa) const;
  void Poke(uint64_t pa, uint64_t value);
  void AddAbortRange(uint64_t pa, uint64_t len);
  // The SMMU's accesses: false when the access takes an external abort.
  bool SmmuRead(uint64_t pa, uint64_t* value);
  bool SmmuWrite(uint64_t pa, uint64_t value);
  // The first contract violation, or empty.
  const std::string& violation() const { return violation_; }
  // The dut.h callback table over this memory, valid as long as the memory.
  const smmuref_dut_memory* Callbacks();

 private:
  bool Aborts(uint64_t pa) const;
  bool Check(uint64_t pa, const char* what);
  std::map<uint64_t, uint64_t> words_;
  std::vector<std::pair<uint64_t, uint64_t>> aborts_;  // [start, end]
  std::string violation_;
  smmuref_dut_memory callbacks_{};
};

// The profile as the DUT is told it: ID register values the model presents, the walker's
// coherency and every profile key.
struct DutProfile {
  std::array<uint32_t, 6> idr{};
  uint32_t aidr = 0;
  bool coherent_walk = true;
  std::string name;
  std::string text;  // spec/profiles/ text format, every key
  std::map<std::string, int64_t> values;
};
DutProfile DescribeProfile(const spec::Profile& p);

// What the client saw, as the DUT reports it.
struct DutOutcome {
  uint32_t kind = SMMUREF_DUT_ABORTED;  // smmuref_dut_outcome_kind
  uint64_t pa = 0;
  std::optional<std::array<uint64_t, 4>> event;  // the record the DUT attempted, if it says
  bool event_reported = false;
};

// One DUT instance. Every call returns a value or an Error of kind kNotImplemented or
// kDeviceFailure; `mem` serves the DUT's memory accesses during the call.
class DutLink {
 public:
  virtual ~DutLink() = default;
  virtual spec::Result<uint64_t> RegRead(uint32_t offset, unsigned size) = 0;
  virtual spec::Result<bool> RegWrite(uint32_t offset, unsigned size, uint64_t value) = 0;
  virtual spec::Result<DutOutcome> Translate(const smmuref_dut_txn& txn) = 0;
  virtual spec::Result<bool> Process() = 0;
  // A change the harness made to its memory (dut.h v2 `note`, the protocol's `notes`); a link
  // whose DUT does not want notes drops it.
  virtual spec::Result<bool> Note(const smmuref_dut_note& note) { return true; }
};

// A DutLink as a Device: the harness's memory, registers by offset, outcomes converted; the
// first error stops the device (Device::Stopped()).
// Every change the harness makes to its memory is also noted to the link, numbered from 1.
class DutDevice final : public Device {
 public:
  DutDevice(std::string name, std::unique_ptr<HarnessMemory> mem, std::unique_ptr<DutLink> link)
      : name_(std::move(name)), mem_(std::move(mem)), link_(std::move(link)) {}
  std::string Name() const override { return name_; }
  void MemWrite64(uint64_t pa, uint64_t value) override;
  uint64_t MemRead64(uint64_t pa) override { return mem_->Peek(pa); }
  // Harness memory is coherent: the DUT can read every CPU write at once, which a non-coherent
  // system also allows; a DUT that models a non-coherent walker learns of cleans from notes.
  void MemClean(uint64_t pa, uint64_t len) override;
  void MemAbort(uint64_t pa, uint64_t len) override;
  uint64_t RegRead(spec::Reg r) override;
  void RegWrite(spec::Reg r, uint64_t value) override;
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override;
  void ProcessCommands() override;
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) override;

 private:
  // Stops on an error or a memory-contract violation; true if the call succeeded.
  bool Ok(const spec::Error* e, const char* during);
  void Note(uint32_t kind, uint64_t pa, uint64_t value);
  std::string name_;
  uint64_t seq_ = 0;  // notes sent
  std::unique_ptr<HarnessMemory> mem_;
  std::unique_ptr<DutLink> link_;
};

// The register a dut.h access of `size` bits at `offset` reaches, and whether it is the upper
// half of a 64-bit one; false when no register is there or a 64-bit access does not fit one.
bool LocateReg(uint32_t offset, uint32_t size, spec::Reg* r, bool* high);

// Names: "PATH.so" (or any name with '/' that is not exec:) and "exec:COMMAND".
bool IsPluginName(const std::string& name);
bool IsProcessName(const std::string& name);
std::string DutNameProblem(const std::string& name);
spec::Result<std::unique_ptr<Device>> MakeDut(const std::string& name, const spec::Profile& p);

// Links (plugin_device.cc, process_device.cc). `ops` is a dut.h table (from a shared object, or
// built in: ImplDutOps()).
spec::Result<std::unique_ptr<DutLink>> MakePluginLink(const smmuref_dut_ops* ops,
                                                      const DutProfile& profile,
                                                      HarnessMemory* mem);
// Loads a shared object and checks its ABI version; the table stays valid for the process.
spec::Result<const smmuref_dut_ops*> LoadPlugin(const std::string& path);
spec::Result<std::unique_ptr<DutLink>> MakeProcessLink(const std::string& command,
                                                       const DutProfile& profile,
                                                       HarnessMemory* mem, double timeout_s);
// The profile an out-of-process DUT declares in its hello answer ("" if none).
spec::Result<std::string> ProcessDutProfile(const std::string& command, const DutProfile& profile);
// Runs the harness's side of the protocol (handshake, then register reads, transactions and
// `process`) against `dut_lines` as everything the DUT says: the fuzz target's entry
// (fuzz/fuzz_dut_protocol.cc). Returns how the conversation ended.
spec::Result<bool> ReplayDutTranscript(const std::string& dut_lines);
// The timeout of one protocol line (spec/dut-protocol.md, "Device failures"); settable for tests.
void SetProcessTimeout(double seconds);

// The optimized engine exported through dut.h (impl_plugin.cc): the ABI's first client.
const smmuref_dut_ops* ImplDutOps();
// The reference model exported through dut.h v2 (model_plugin.cc): it keeps the memory's history
// from the harness's notes and commits one allowed outcome per transaction.
const smmuref_dut_ops* ModelDutOps();

}  // namespace smmuref::conform::dut
