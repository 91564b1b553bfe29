// A device under test run in lockstep with the reference model: every operation goes to both,
// every DUT outcome must be in the model's allowed set (and the model adopts it), and command
// consumption and event-queue production must agree. Disagreements are collected as mismatch
// messages (differential oracle order: both fault or neither, then the same event record, then
// the same observation).
//
// The lockstep device is concrete: Translate completes the transaction on the DUT, observes the
// event queue before and after it (so a record the DUT wrote during the transaction, at any
// moment, is the record compared), and adopts in the model the allowed outcome that matches.
// Tests: tests/conformance/seam_test.cc, tests/stateful/arch_diff_test.cc
#pragma once

#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "smmuref/conform/device.h"

namespace smmuref::conform {

// One disagreement, typed for whoever classifies failures (shrink.h): the class of check that
// failed ("txn outcome", "event record", "register NAME", "CMD_SYNC MSI") and the rule id it
// counts against (the adopted outcome's rule, "ok" for a completion, or "reg:NAME" for a
// register compared after a write or `process`, as in rule_checks), with the readable message.
struct Mismatch {
  std::string check;
  std::string rule;
  std::string message;
};

class LockstepDevice final : public Device {
 public:
  LockstepDevice(std::unique_ptr<Device> dut, std::unique_ptr<Device> oracle)
      : dut_(std::move(dut)), oracle_(std::move(oracle)) {}
  std::string Name() const override { return dut_->Name(); }
  void MemWrite64(uint64_t pa, uint64_t value) override;
  uint64_t MemRead64(uint64_t pa) override { return dut_->MemRead64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override;
  void MemAbort(uint64_t pa, uint64_t len) override;
  uint64_t RegRead(spec::Reg r) override { return dut_->RegRead(r); }
  uint64_t RegUnknownMask(spec::Reg r) override { return oracle_->RegUnknownMask(r); }
  void RegWrite(spec::Reg r, uint64_t value) override;
  void RegWrite32(spec::Reg r, bool high, uint32_t value) override;
  void ProcessCommands() override;
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& txn) override;
  void SetLine(int line) override;
  const std::optional<spec::Error>& Stopped() const override { return dut_->Stopped(); }

  // Mismatches found since the last call: their messages, or the typed records.
  std::vector<std::string> TakeMismatches();
  std::vector<Mismatch> TakeMismatchRecords();
  // Rule ids of the model outcomes adopted so far, and the distinct observations seen.
  const std::set<std::string>& rules() const { return rules_; }
  const std::set<std::string>& observations() const { return observations_; }
  // Per rule id of an adopted outcome (or "reg:NAME" for a register compared after a write or
  // `process`): how many times it was checked and how many of those disagreed.
  std::map<std::string, int> rule_checks() const { return WithRegisters(rule_checks_, reg_checks_); }
  std::map<std::string, int> rule_failures() const {
    return WithRegisters(rule_failures_, reg_failures_);
  }
  // The model's allowed set for the last transaction.
  const std::vector<spec::TxnOutcome>& allowed() const { return allowed_; }

 private:
  void CompareRegister(spec::Reg r, const char* after);
  void AddMismatch(std::string check, std::string rule, std::string message);
  void CompareStatus(spec::Reg written);
  // The allowed outcome the model adopts for the DUT's observation `seen` (a mismatch is
  // recorded when none is allowed).
  const spec::TxnOutcome& Choose(const spec::Txn& txn, const std::vector<spec::TxnOutcome>& allowed,
                                 const spec::TxnOutcome& seen, unsigned oas);
  void CompareRecords(uint64_t dut_prod_before, uint64_t model_prod_before, unsigned oas);

  std::unique_ptr<Device> dut_;
  std::unique_ptr<Device> oracle_;
  std::vector<spec::TxnOutcome> allowed_;  // the model's set for the last transaction
  std::vector<Mismatch> mismatches_;
  std::set<std::string> rules_;
  std::set<std::string> observations_;
  std::map<std::string, int> rule_checks_, rule_failures_;
  // The register comparisons after writes and `process`, counted per register on the hot path
  // and named "reg:NAME" only when asked.
  using RegCounts = std::array<int, static_cast<size_t>(spec::Reg::kCount)>;
  static std::map<std::string, int> WithRegisters(std::map<std::string, int> counts,
                                                  const RegCounts& regs);
  RegCounts reg_checks_{}, reg_failures_{};
};

// Adds an adopted outcome to the coverage of a run: its rule id ("ok" for a completion) and its
// outcome class (completion, or the termination kind with event type, stage and class).
void CountOutcome(const spec::TxnOutcome& o, std::set<std::string>* rules,
                  std::set<std::string>* observations);

}  // namespace smmuref::conform
