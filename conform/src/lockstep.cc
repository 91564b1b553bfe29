// Lockstep execution of a device under test against the reference model.
#include "smmuref/conform/lockstep.h"
#include "smmuref/spec/format.h"

#include <cstdio>

#include "smmuref/conform/evtq_reader.h"

namespace smmuref::conform {

using spec::Hex;

using spec::Reg;

namespace {
}  // namespace

void LockstepDevice::MemWrite64(uint64_t pa, uint64_t value) {
  dut_->MemWrite64(pa, value);
  oracle_->MemWrite64(pa, value);
}
void LockstepDevice::MemClean(uint64_t pa, uint64_t len) {
  dut_->MemClean(pa, len);
  oracle_->MemClean(pa, len);
}
void LockstepDevice::MemAbort(uint64_t pa, uint64_t len) {
  dut_->MemAbort(pa, len);
  oracle_->MemAbort(pa, len);
}
void LockstepDevice::SetLine(int line) {
  dut_->SetLine(line);
  oracle_->SetLine(line);
}

void LockstepDevice::CompareRegister(Reg r, const char* after) {
  const uint64_t d = dut_->RegRead(r), m = oracle_->RegRead(r);
  if (d != m) {
    mismatches_.push_back(std::string(spec::RegName(r)) + " after " + after + ": " + Name() +
                          " has " + Hex(d) + ", the model " + Hex(m));
  }
}

void LockstepDevice::RegWrite(Reg r, uint64_t value) {
  dut_->RegWrite(r, value);
  oracle_->RegWrite(r, value);
  CompareRegister(r, "the write");
}

void LockstepDevice::RegWrite32(Reg r, bool high, uint32_t value) {
  dut_->RegWrite32(r, high, value);
  oracle_->RegWrite32(r, high, value);
  CompareRegister(r, "the write");
}

void LockstepDevice::ProcessCommands() {
  dut_->ProcessCommands();
  oracle_->ProcessCommands();
  CompareRegister(Reg::CMDQ_CONS, "process");
  CompareRegister(Reg::GERROR, "process");
}

spec::Result<std::vector<spec::TxnOutcome>> LockstepDevice::Translate(const spec::Txn& txn) {
  auto allowed = oracle_->Translate(txn);
  if (!allowed) return allowed.error();  // the model's bound: not a mismatch
  allowed_ = std::move(*allowed);
  auto got = dut_->Translate(txn);
  if (!got) return got.error();
  for (const auto& o : *got) {
    bool member = false;
    for (const auto& a : allowed_) member = member || a.SameObservation(o);
    if (!member) {
      std::string msg = "txn " + ToString(txn) + ": " + Name() + " gave " + ToString(o) +
                        ", which the model does not allow; the model allows:";
      for (const auto& a : allowed_) msg += "\n      - " + ToString(a);
      mismatches_.push_back(msg);
    }
  }
  return got;
}

void LockstepDevice::Commit(const spec::TxnOutcome& o) {
  const spec::TxnOutcome* adopted = &allowed_.front();
  for (const auto& a : allowed_) {
    if (a.SameObservation(o)) {
      adopted = &a;
      break;
    }
  }
  rules_.insert(adopted->rule.empty() ? "ok" : adopted->rule);
  // Outcome classes: completion, or the termination kind with its event type, stage and class.
  std::string cls = o.kind == spec::TxnOutcome::Kind::kOk      ? "ok"
                    : o.kind == spec::TxnOutcome::Kind::kRazWi ? "raz"
                                                               : "abort";
  if (o.event) {
    cls += std::string(" ") + spec::EventTypeName(o.event->type) + (o.event->s2 ? " s2" : " s1") +
           " class" + std::to_string(static_cast<int>(o.event->cls));
  }
  observations_.insert(cls);
  const uint64_t prod_before = dut_->RegRead(Reg::EVENTQ_PROD);
  dut_->Commit(o);
  oracle_->Commit(*adopted);
  CompareRegister(Reg::EVENTQ_PROD, "the transaction");
  // The record each side wrote to its queue in memory must be the same bytes.
  const QueueGeometry q = EventQueue(*dut_, spec::Profile{});
  if (q.Value(dut_->RegRead(Reg::EVENTQ_PROD)) != q.Value(prod_before)) {
    const uint64_t slot = q.base + q.Index(prod_before) * 32;
    for (int i = 0; i < 4; ++i) {
      const uint64_t d = dut_->MemRead64(slot + 8 * i), m = oracle_->MemRead64(slot + 8 * i);
      if (d != m) {
        mismatches_.push_back("event record DW" + std::to_string(i) + " at " + Hex(slot + 8 * i) +
                              ": " + Name() + " wrote " + Hex(d) + ", the model " + Hex(m));
        break;
      }
    }
  }
  CompareRegister(Reg::GERROR, "the transaction");
}

std::vector<std::string> LockstepDevice::TakeMismatches() {
  std::vector<std::string> out;
  out.swap(mismatches_);
  return out;
}

}  // namespace smmuref::conform
