// Lockstep execution of a device under test against the reference model (lockstep.h).
// Tests: tests/conformance/seam_test.cc, tests/conform/runner_test.cc
#include "smmuref/conform/lockstep.h"
#include "smmuref/spec/format.h"

#include <cstdio>
#include <cstring>

#include "smmuref/conform/evtq_reader.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform {

using spec::Hex;

using spec::Reg;

namespace {

// OAS in bits from SMMU_IDR5.OAS [IHI0070 §6.3.6]; it bounds the compared FetchAddr bits.
unsigned OasBits(uint64_t idr5) {
  static const unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  return kBits[spec::Get(&idr5, spec::reg::IDR5_OAS) & 7];
}

// The harness reading a side's memory to compare it: an observation, not something the SMMU
// does, so the model's rule probes (R-MEM-001 on a word never written) do not count it.
uint64_t Observe(Device& d, uint64_t pa) {
  spec::coverage::RuleSink quiet(nullptr);
  return d.MemRead64(pa);
}

spec::EventRecord ReadRecord(Device& d, uint64_t slot) {
  uint64_t rec[4];
  for (int i = 0; i < 4; ++i) rec[i] = Observe(d, slot + 8 * i);
  return spec::DecodeEvent(rec);
}

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

void LockstepDevice::AddMismatch(std::string check, std::string rule, std::string message) {
  mismatches_.push_back({std::move(check), std::move(rule), std::move(message)});
}

void LockstepDevice::CompareRegister(Reg r, const char* after) {
  if (dut_->Stopped()) return;  // reported as the device's failure, not as a difference
  // Only bits with a defined value now are compared (RES0, IMPLEMENTATION DEFINED and UNKNOWN
  // bits are not: C-REG-001, C-REG-009, C-REG-010, C-REG-011).
  const uint64_t open = oracle_->RegUnknownMask(r);
  const uint64_t d = dut_->RegRead(r), m = oracle_->RegRead(r);
  // After a transaction the rule is the adopted outcome's, filled in by Translate.
  const bool txn = std::strcmp(after, "the transaction") == 0;
  if (!txn) ++reg_checks_[static_cast<size_t>(r)];
  if (((d ^ m) & ~open) != 0) {
    if (!txn) ++reg_failures_[static_cast<size_t>(r)];
    AddMismatch(std::string("register ") + spec::RegName(r),
                txn ? "" : std::string("reg:") + spec::RegName(r),
                std::string(spec::RegName(r)) + " after " + after + ": " + Name() + " has " +
                    Hex(d) + ", the model " + Hex(m) + " (bits " + Hex((d ^ m) & ~open) +
                    " differ)");
  }
}

std::map<std::string, int> LockstepDevice::WithRegisters(std::map<std::string, int> counts,
                                                         const RegCounts& regs) {
  for (size_t i = 0; i < regs.size(); ++i) {
    if (regs[i] != 0) counts[std::string("reg:") + spec::RegName(static_cast<Reg>(i))] += regs[i];
  }
  return counts;
}

// What a write may change besides the register written: acknowledgements, errors, queue state.
void LockstepDevice::CompareStatus(Reg written) {
  static const Reg kStatus[] = {Reg::CR0ACK, Reg::IRQ_CTRLACK, Reg::GERROR, Reg::GBPA,
                                Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS};
  CompareRegister(written, "the write");
  for (Reg r : kStatus) {
    if (r != written) CompareRegister(r, "a register write");
  }
}

void LockstepDevice::RegWrite(Reg r, uint64_t value) {
  dut_->RegWrite(r, value);
  oracle_->RegWrite(r, value);
  CompareStatus(r);
}

void LockstepDevice::RegWrite32(Reg r, bool high, uint32_t value) {
  dut_->RegWrite32(r, high, value);
  oracle_->RegWrite32(r, high, value);
  CompareStatus(r);
}

void LockstepDevice::ProcessCommands() {
  const QueueGeometry q = CommandQueue(*oracle_, spec::Profile{});
  const uint64_t before = oracle_->RegRead(Reg::CMDQ_CONS);
  dut_->ProcessCommands();
  oracle_->ProcessCommands();
  CompareRegister(Reg::CMDQ_CONS, "process");
  CompareRegister(Reg::GERROR, "process");
  CompareRegister(Reg::EVENTQ_PROD, "process");
  // A device that stopped (failure, or commands not implemented) is reported as such, not as a
  // difference in what its commands wrote.
  if (dut_->Stopped()) return;
  // The MSI of every CMD_SYNC consumed with CS=SIG_IRQ: the word it targets must hold the same
  // value on both sides (written with MSIData, or untouched when the write aborted) [§4.7.3].
  const uint64_t mask = (uint64_t{2} << q.log2size) - 1;
  const uint64_t consumed = (q.Value(oracle_->RegRead(Reg::CMDQ_CONS)) - q.Value(before)) & mask;
  for (uint64_t i = 0; i < consumed; ++i) {
    const uint64_t slot = q.base + q.Index(q.Value(before) + i) * 16;
    const uint64_t cmd[2] = {Observe(*oracle_, slot), Observe(*oracle_, slot + 8)};
    if (spec::Get(cmd, spec::cmd::Opcode) != spec::cmd::op::CMD_SYNC ||
        spec::Get(cmd, spec::cmd::CS) != 1) {
      continue;
    }
    const uint64_t addr = (spec::Get(cmd, spec::cmd::MSIAddr) << 2) & ~uint64_t{7};
    const uint64_t d = Observe(*dut_, addr), m = Observe(*oracle_, addr);
    if (addr != 0 && d != m) {
      AddMismatch("CMD_SYNC MSI", "R-CMDQ-007",
                  "CMD_SYNC MSI at " + Hex(addr) + " after process: " + Name() + " holds " +
                      Hex(d) + ", the model " + Hex(m));
    }
  }
}

namespace {

// Whether the DUT's observation `seen` is the allowed outcome `a`: the same completion or
// termination and, when the DUT's record is known (reported or written), a record that agrees.
bool Allows(const spec::TxnOutcome& a, const spec::TxnOutcome& seen, bool record_known,
            unsigned oas) {
  using K = spec::TxnOutcome::Kind;
  if (a.kind == K::kUnpredictable) return true;
  if (a.kind != seen.kind || (a.kind == K::kOk && a.pa != seen.pa)) return false;
  if (!record_known) return true;
  if (a.event.has_value() != seen.event.has_value()) return false;
  return !a.event || spec::EventsAgree(*seen.event, *a.event, oas);
}

}  // namespace

spec::Result<std::vector<spec::TxnOutcome>> LockstepDevice::Translate(const spec::Txn& txn) {
  auto allowed = oracle_->Translate(txn);
  if (!allowed) return allowed.error();  // the model's bound: not a mismatch
  allowed_ = *allowed;
  if (dut_->Stopped()) return *dut_->Stopped();
  const unsigned oas = OasBits(oracle_->RegRead(Reg::IDR5));
  // Observation before the step: where each side's next event record goes.
  const uint64_t dut_prod = dut_->RegRead(Reg::EVENTQ_PROD);
  const uint64_t model_prod = oracle_->RegRead(Reg::EVENTQ_PROD);
  auto got = dut_->Translate(txn);
  if (!got) return got.error();
  if (dut_->Stopped()) return *dut_->Stopped();
  SMMUREF_CHECK(got->size() == 1, "a concrete device gives one outcome per transaction");
  spec::TxnOutcome seen = got->front();
  // Observation after the step: the record the DUT wrote, whenever during the transaction.
  const QueueGeometry q = EventQueue(*dut_, spec::Profile{});
  std::optional<spec::EventRecord> written;
  if (q.Value(dut_->RegRead(Reg::EVENTQ_PROD)) != q.Value(dut_prod)) {
    written = ReadRecord(*dut_, q.base + q.Index(dut_prod) * 32);
  }
  if (!seen.event_reported) seen.event = written;
  const bool record_known = seen.event_reported || written.has_value();
  const size_t before = mismatches_.size();
  const spec::TxnOutcome& adopted = Choose(txn, *allowed, seen, oas);
  oracle_->Adopt(adopted);
  CountOutcome(adopted, &rules_, &observations_);
  CompareRegister(Reg::EVENTQ_PROD, "the transaction");
  CompareRecords(dut_prod, model_prod, oas);
  CompareRegister(Reg::GERROR, "the transaction");
  const std::string rule = adopted.rule.empty() ? "ok" : adopted.rule;
  ++rule_checks_[rule];
  if (mismatches_.size() != before) ++rule_failures_[rule];
  for (size_t i = before; i < mismatches_.size(); ++i) {
    if (mismatches_[i].rule.empty()) mismatches_[i].rule = rule;
  }
  // What the client saw; a record the DUT could not report is the one the model adopted, which
  // agrees with the DUT in everything observable.
  spec::TxnOutcome out = seen;
  if (!record_known) out.event = adopted.event;
  out.event_reported = true;
  out.rule = adopted.rule;
  out.provenance = adopted.provenance;
  return std::vector<spec::TxnOutcome>{std::move(out)};
}

const spec::TxnOutcome& LockstepDevice::Choose(const spec::Txn& txn,
                                               const std::vector<spec::TxnOutcome>& allowed,
                                               const spec::TxnOutcome& seen, unsigned oas) {
  const bool record_known = seen.event_reported || seen.event.has_value();
  for (const auto& a : allowed) {
    if (Allows(a, seen, record_known, oas)) return a;
  }
  std::string msg = "txn " + ToString(txn) + ": " + Name() + " gave " + ToString(seen) +
                    ", which the model does not allow; the model allows:";
  for (const auto& a : allowed) msg += "\n      - " + ToString(a);
  AddMismatch("txn outcome", "", msg);  // the rule: the outcome adopted below (Translate)
  // The model goes on from the allowed outcome closest to what the DUT did.
  for (const auto& a : allowed) {
    if (Allows(a, seen, false, oas)) return a;
  }
  return allowed.front();
}

// The record each side wrote must agree in every field its layout defines; fields the
// architecture leaves UNKNOWN are not compared and RES0 fields must be zero
// (spec::CompareEventRecords). A mismatch names the field.
void LockstepDevice::CompareRecords(uint64_t dut_prod_before, uint64_t model_prod_before,
                                    unsigned oas) {
  const QueueGeometry q = EventQueue(*dut_, spec::Profile{});
  const QueueGeometry mq = EventQueue(*oracle_, spec::Profile{});
  const bool dut_wrote = q.Value(dut_->RegRead(Reg::EVENTQ_PROD)) != q.Value(dut_prod_before);
  const bool model_wrote =
      mq.Value(oracle_->RegRead(Reg::EVENTQ_PROD)) != mq.Value(model_prod_before);
  if (!dut_wrote || !model_wrote) return;  // a difference in count shows in EVENTQ_PROD
  const spec::EventRecord d = ReadRecord(*dut_, q.base + q.Index(dut_prod_before) * 32);
  const spec::EventRecord m = ReadRecord(*oracle_, mq.base + mq.Index(model_prod_before) * 32);
  if (d.type != m.type) {
    AddMismatch("event record", "",
                std::string("event record: ") + Name() + " wrote " + spec::EventTypeName(d.type) +
                    ", the model " + spec::EventTypeName(m.type));
  } else if (auto mm = spec::CompareEventRecords(d, m, oas)) {
    AddMismatch("event record", "", mm->ToString(Name()));
  }
}

// Rule ids of adopted outcomes, and outcome classes: completion, or the termination kind with
// its event type, stage and class.
void CountOutcome(const spec::TxnOutcome& o, std::set<std::string>* rules,
                  std::set<std::string>* observations) {
  rules->insert(o.rule.empty() ? "ok" : o.rule);
  std::string cls = o.kind == spec::TxnOutcome::Kind::kOk      ? "ok"
                    : o.kind == spec::TxnOutcome::Kind::kRazWi ? "raz"
                                                               : "abort";
  if (o.event) {
    cls += std::string(" ") + spec::EventTypeName(o.event->type) + (o.event->s2 ? " s2" : " s1") +
           " class" + std::to_string(static_cast<int>(o.event->cls));
  }
  observations->insert(cls);
}

std::vector<std::string> LockstepDevice::TakeMismatches() {
  std::vector<std::string> out;
  for (auto& m : TakeMismatchRecords()) out.push_back(std::move(m.message));
  return out;
}

std::vector<Mismatch> LockstepDevice::TakeMismatchRecords() {
  std::vector<Mismatch> out;
  out.swap(mismatches_);
  return out;
}

}  // namespace smmuref::conform
