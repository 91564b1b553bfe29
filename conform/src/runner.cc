// The vector runner: executes the normative core of format v1 (spec/vector-format.md) against a
// device, and hands `api.*` lines to the IOMMU API executor.
#include "smmuref/conform/runner.h"
#include "smmuref/spec/format.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "smmuref/conform/device.h"
#include "smmuref/conform/evtq_reader.h"
#include "smmuref/conform/expect.h"
#include "smmuref/conform/lockstep.h"
#include "smmuref/spec/tables.h"
#ifdef SMMUREF_HAVE_API
#include "smmuref/conform/api_device.h"
#include "smmuref/conform/api_vectors.h"
#endif

namespace smmuref::conform {

using spec::Hex;

using spec::Error;
using spec::Reg;
using spec::Result;

namespace {


Error Usage(const VectorLine& l, const std::string& form) {
  return Error{l.Where(), "'" + l.op + "' expects: " + form};
}

// Register name, with "+4" selecting the upper half of a 64-bit register for 32-bit accesses.
Result<std::pair<Reg, bool>> ParseRegName(const VectorLine& l, std::string name) {
  bool high = false;
  if (name.size() > 2 && name.substr(name.size() - 2) == "+4") {
    high = true;
    name.resize(name.size() - 2);
  }
  Reg r;
  if (!spec::ParseReg(name, &r)) return Error{l.Where(), "unknown register '" + name + "'"};
  if (high && !spec::RegIs64(r)) {
    return Error{l.Where(), name + " is a 32-bit register; '+4' names the upper half of 64-bit ones"};
  }
  return std::make_pair(r, high);
}

// Whether an expectation alternative accepts outcome `o` (with its record, for `expect fault`).
bool Accepts(const Expectation& alt, const spec::TxnOutcome& o, unsigned oas) {
  if (!alt.MatchesOutcome(o)) return false;
  std::string why;
  const bool record =
      alt.kind == Expectation::Kind::kFault || alt.kind == Expectation::Kind::kMerged;
  return !record || !o.event || alt.MatchesRecord(*o.event, &why, oas);
}

// The room at a txn expectation: the distinct observations of the model's allowed set, and how
// many of them some alternative accepts.
Room TxnRoom(const std::vector<spec::TxnOutcome>& allowed, const std::vector<Expectation>& alts,
             unsigned oas) {
  Room room;
  std::vector<const spec::TxnOutcome*> distinct;
  for (const auto& o : allowed) {
    room.any = room.any || o.kind == spec::TxnOutcome::Kind::kUnpredictable;
    bool seen = false;
    for (const auto* d : distinct) {
      seen = seen || (d->SameObservation(o, oas) && o.SameObservation(*d, oas));
    }
    if (!seen) distinct.push_back(&o);
  }
  room.allowed = distinct.size();
  room.accepted = 0;
  for (const auto* d : distinct) {
    bool ok = false;
    for (const auto& alt : alts) ok = ok || Accepts(alt, *d, oas);
    room.accepted += ok ? 1 : 0;
    if (!ok) room.rejected.push_back(ToString(*d));
  }
  return room;
}

class Session {
 public:
  Session(const RunOptions& opts, FileReport* report) : opts_(opts), report_(report) {}

  Result<bool> Execute(const VectorLine& l) {
    if (l.op.rfind("api.", 0) == 0) return ExecuteApi(l);
    if (device_) device_->SetLine(l.line);
    // Any line other than an `expect` first adopts the pending transaction's outcome.
    if (l.op != "expect" && pending_) AdoptPending(pending_->outcomes.front());
    if (l.op == "profile") return Profile(l);
    if (!device_) {
      auto made = Reset(opts_.profile.empty() ? "full" : opts_.profile, {}, l);
      if (!made) return made;
      device_->SetLine(l.line);
    }
    if (l.op == "mem.write64") return MemWrite(l);
    if (l.op == "mem.clean" || l.op == "mem.abort") return MemRange(l);
    if (l.op == "reg.write32" || l.op == "reg.write64") return RegWrite(l);
    if (l.op == "reg.expect32" || l.op == "reg.expect64") return RegExpect(l);
    if (l.op == "cmd") return Cmd(l);
    if (l.op == "process") {
      if (!l.args.empty()) return Usage(l, "process");
      device_->ProcessCommands();
      return true;
    }
    if (l.op == "txn") return Txn(l);
    if (l.op == "expect") return Expect(l);
    if (l.op == "event.expect") return EventExpect(l);
    if (l.op == "event.none") return EventNone(l);
    if (l.op == "event.drain" || l.op == "gerror.ack" || l.op == "cmd.skip") return Driver(l);
    return Error{l.Where(), "unknown operation '" + l.op + "'"};
  }

  void Finish() {
    if (pending_) AdoptPending(pending_->outcomes.front());
  }

  // Why the device stopped (it failed, or does not implement what a line needed), if it did.
  std::optional<spec::Error> Stopped() const {
    if (!device_ || !device_->Stopped()) return std::nullopt;
    return device_->Stopped();
  }

  // Lockstep disagreements found while executing `l` are failures of that line.
  void CollectMismatches(const VectorLine& l) {
    if (!lockstep_) return;
    // A disagreement is not an expectation: it is counted apart from `failed`.
    for (auto& m : lockstep_->TakeMismatchRecords()) {
      ++report_->mismatches;
      report_->failures.push_back({l.Where(), "MISMATCH: " + m.message, true, m.check, m.rule});
    }
  }

  // The coverage of every device the file made (one per `profile` line): the lockstep's, or the
  // outcomes the model itself adopted.
  void Stats(FileReport* r) {
    Fold();
    r->translations = translations_;
    r->rules = rules_;
    r->observations = observations_;
    r->rule_checks = rule_checks_;
    for (const auto& [rule, n] : rule_failures_) r->rule_failures[rule] += n;
  }

 private:
  struct Pending {
    spec::Txn txn;
    std::vector<spec::TxnOutcome> outcomes;
    std::string where;
    uint64_t prod_before = 0;  // EVENTQ_PROD before the transaction, whenever it writes
    std::vector<spec::TxnOutcome> model;  // the model's allowed set (strict lockstep runs)
  };

  // Adds the lockstep's coverage to the file's, once: before its device is replaced (Reset), or
  // when the file's report is made (Stats, called once per file).
  void Fold() {
    if (!lockstep_) return;
    rules_.insert(lockstep_->rules().begin(), lockstep_->rules().end());
    observations_.insert(lockstep_->observations().begin(), lockstep_->observations().end());
    for (const auto& [rule, n] : lockstep_->rule_checks()) rule_checks_[rule] += n;
    for (const auto& [rule, n] : lockstep_->rule_failures()) rule_failures_[rule] += n;
  }

  void Pass() { ++report_->passed; }
  void AddRoom(const VectorLine& l, Room::Kind kind, Room room) {
    room.kind = kind;
    room.where = l.Where();
    room.what = l.text;
    report_->room.push_back(std::move(room));
  }
  // An event-queue expectation: the model holds one record (its UNKNOWN fields are not compared),
  // or, while the producer index is UNKNOWN, any queue contents.
  void EventRoom(const VectorLine& l) {
    if (!opts_.strict) return;
    Room room;
    room.any = EventQueueUnknown();
    AddRoom(l, Room::Kind::kEvent, std::move(room));
  }
  void Fail(const VectorLine& l, const std::string& msg, const std::string& check,
            const std::string& rule) {
    ++report_->failed;
    report_->failures.push_back({l.Where(), msg, false, check, rule});
  }

  Result<bool> Reset(const std::string& name, const std::vector<std::string>& overrides,
                     const VectorLine& l) {
    auto p = spec::LoadProfile(name, overrides);
    if (!p) return Error{l.Where(), p.error().ToString(), p.error().kind};
    auto d = MakeDevice(opts_.dut, *p);
    if (!d) return Error{l.Where(), d.error().message, d.error().kind};
    Fold();
    device_ = std::move(*d);
    model_ = device_.get();
    lockstep_ = nullptr;
    if (opts_.dut != "model") {
      // Every other device runs in lockstep with the model: its outcomes must be allowed.
      auto oracle = MakeDevice("model", *p);
      model_ = oracle->get();
      auto ls = std::make_unique<LockstepDevice>(std::move(device_), std::move(*oracle));
      lockstep_ = ls.get();
      device_ = std::move(ls);
    }
    profile_ = *p;
    return true;
  }

  Result<bool> Profile(const VectorLine& l) {
    if (l.args.empty()) return Usage(l, "profile NAME [key=value ...]");
    if (!opts_.profile.empty()) return Reset(opts_.profile, {}, l);
    return Reset(l.args[0], {l.args.begin() + 1, l.args.end()}, l);
  }

  Result<bool> MemWrite(const VectorLine& l) {
    if (l.args.size() != 2) return Usage(l, "mem.write64 PA VALUE");
    auto pa = ParseNumber(l, l.args[0]);
    if (!pa) return pa.error();
    auto v = ParseNumber(l, l.args[1]);
    if (!v) return v.error();
    if (*pa & 7) return Error{l.Where(), "mem.write64 needs an 8-byte aligned PA, got " + Hex(*pa)};
    device_->MemWrite64(*pa, *v);
    return true;
  }

  Result<bool> MemRange(const VectorLine& l) {
    if (l.args.size() != 2) return Usage(l, l.op + " PA LEN");
    auto pa = ParseNumber(l, l.args[0]);
    if (!pa) return pa.error();
    auto len = ParseNumber(l, l.args[1]);
    if (!len) return len.error();
    if (*len != 0 && *len - 1 > ~uint64_t{0} - *pa) {
      return Error{l.Where(), l.op + " range " + Hex(*pa) + " + " + Hex(*len) +
                                  " ends past 2^64; expected PA + LEN <= 2^64"};
    }
    if (l.op == "mem.clean") device_->MemClean(*pa, *len);
    else device_->MemAbort(*pa, *len);
    return true;
  }

  Result<bool> RegWrite(const VectorLine& l) {
    if (l.args.size() != 2) return Usage(l, l.op + " NAME VALUE");
    auto reg = ParseRegName(l, l.args[0]);
    if (!reg) return reg.error();
    auto v = ParseNumber(l, l.args[1]);
    if (!v) return v.error();
    const auto [r, high] = *reg;
    if (l.op == "reg.write32") {
      if (*v > 0xffffffffull) return Error{l.Where(), "reg.write32 value exceeds 32 bits"};
      device_->RegWrite32(r, high, static_cast<uint32_t>(*v));
    } else {
      if (high) return Error{l.Where(), "reg.write64 takes the register name without '+4'"};
      if (!spec::RegIs64(r) && *v > 0xffffffffull) {
        return Error{l.Where(), std::string(spec::RegName(r)) + " is a 32-bit register"};
      }
      device_->RegWrite(r, *v);
    }
    return true;
  }

  Result<bool> RegExpect(const VectorLine& l) {
    if (l.args.size() != 2) return Usage(l, l.op + " NAME VALUE");
    auto reg = ParseRegName(l, l.args[0]);
    if (!reg) return reg.error();
    auto v = ParseNumber(l, l.args[1]);
    if (!v) return v.error();
    const auto [r, high] = *reg;
    uint64_t got = device_->RegRead(r);
    // Bits without a defined value now (RES0, IMPLEMENTATION DEFINED, UNKNOWN) are not compared.
    uint64_t open = device_->RegUnknownMask(r);
    if (l.op == "reg.expect32") {
      got = high ? got >> 32 : got & 0xffffffffull;
      open = high ? open >> 32 : open & 0xffffffffull;
    }
    if (opts_.strict) {
      Room room;
      room.open_bits = open;
      AddRoom(l, Room::Kind::kReg, std::move(room));
    }
    if (((got ^ *v) & ~open) == 0) {
      Pass();
    } else {
      Fail(l, std::string(spec::RegName(r)) + (high ? "+4" : "") + ": expected " + Hex(*v) +
                  ", observed " + Hex(got) +
                  (open ? " (bits " + Hex(open) + " are not compared)" : ""),
           "reg.expect", std::string("reg:") + spec::RegName(r));
    }
    return true;
  }

  Result<bool> Cmd(const VectorLine& l) {
    if (l.args.size() != 2) return Usage(l, "cmd DW0 DW1");
    auto d0 = ParseNumber(l, l.args[0]);
    if (!d0) return d0.error();
    auto d1 = ParseNumber(l, l.args[1]);
    if (!d1) return d1.error();
    if (auto full = CommandQueueFull(l); !full) return full;
    const QueueGeometry q = CommandQueue(*device_, profile_);
    const uint64_t prod = device_->RegRead(Reg::CMDQ_PROD);
    const uint64_t slot = q.base + q.Index(prod) * 16;
    device_->MemWrite64(slot, *d0);
    device_->MemWrite64(slot + 8, *d1);
    device_->RegWrite(Reg::CMDQ_PROD, q.Next(prod));
    return true;
  }

  // Same index, other wrap bit: every slot holds an unconsumed command, so a driver would wait
  // and a further `cmd` would overwrite a command the SMMU has not read. That is a mistake in
  // the file, judged by the model's registers: a device under test that fails to consume is a
  // disagreement with the model (lockstep), not bad input.
  Result<bool> CommandQueueFull(const VectorLine& l) {
    const QueueGeometry q = CommandQueue(*model_, profile_);
    const uint64_t prod = model_->RegRead(Reg::CMDQ_PROD), cons = model_->RegRead(Reg::CMDQ_CONS);
    if ((q.Value(prod) ^ q.Value(cons)) != (uint64_t{1} << q.log2size)) return true;
    // CMDQ_CONS resets UNKNOWN: a queue whose CONS was never written consumes nothing.
    const uint64_t pointer = (uint64_t{2} << q.log2size) - 1;
    const bool unknown = (model_->RegUnknownMask(Reg::CMDQ_CONS) & pointer) != 0;
    return Error{l.Where(), "the command queue is full (" + std::to_string(uint64_t{1} << q.log2size) +
                                " unconsumed commands: CMDQ_PROD " + Hex(prod) + ", CMDQ_CONS " +
                                Hex(cons) + "); expected a 'process' line before more commands" +
                                (unknown ? " (CMDQ_CONS is UNKNOWN since reset: write it before "
                                           "the first command)" : "")};
  }

  Result<bool> Txn(const VectorLine& l) {
    if (l.args.size() != 4) return Usage(l, "txn SID SSID|- IOVA ACCESS");
    spec::Txn t;
    auto sid = ParseNumber(l, l.args[0]);
    if (!sid) return sid.error();
    if (*sid > 0xffffffffull) return Error{l.Where(), "SID exceeds 32 bits"};
    t.sid = static_cast<uint32_t>(*sid);
    if (l.args[1] != "-") {
      auto ssid = ParseNumber(l, l.args[1]);
      if (!ssid) return ssid.error();
      if (*ssid >= (1u << 20)) return Error{l.Where(), "SSID exceeds 20 bits"};
      t.ssv = true;
      t.ssid = static_cast<uint32_t>(*ssid);
    }
    auto addr = ParseNumber(l, l.args[2]);
    if (!addr) return addr.error();
    t.addr = *addr;
    const std::string& acc = l.args[3];
    if (acc.empty() || acc.size() > 2 || (acc[0] != 'r' && acc[0] != 'w' && acc[0] != 'x') ||
        (acc.size() == 2 && acc[1] != 'p')) {
      return Error{l.Where(), "ACCESS is r, w or x, optionally followed by p; got '" + acc + "'"};
    }
    t.write = acc[0] == 'w';
    t.instr = acc[0] == 'x';
    t.priv = acc.size() == 2;
    // Observation before the step: a concrete device writes its record during Translate.
    const uint64_t prod_before = device_->RegRead(Reg::EVENTQ_PROD);
    auto outcomes = device_->Translate(t);
    if (!outcomes) return Error{l.Where(), outcomes.error().message, outcomes.error().kind};
    if (outcomes->empty()) {
      return Error{l.Where(), "device returned no outcome", spec::ErrorKind::kDeviceFailure};
    }
    pending_ = Pending{t, std::move(*outcomes), l.Where(), prod_before, {}};
    if (opts_.strict && lockstep_) pending_->model = lockstep_->allowed();
    ++translations_;
    return true;
  }

  void AdoptPending(const spec::TxnOutcome& o) {
    Adopt(o);
    pending_.reset();
  }
  void Adopt(const spec::TxnOutcome& o) {
    device_->Adopt(o);
    if (!lockstep_) CountOutcome(o, &rules_, &observations_);
  }

  Result<bool> Expect(const VectorLine& l) {
    if (!pending_) return Error{l.Where(), "'expect' must follow a 'txn' line"};
    auto alts = ParseExpectation(l);
    if (!alts) return alts.error();
    const Pending p = std::move(*pending_);
    pending_.reset();
    const std::string want = l.text.substr(std::string("expect").size() + 1);
    if (opts_.strict) {
      Room room = TxnRoom(lockstep_ ? p.model : p.outcomes, *alts, profile_.oas);
      AddRoom(l, Room::Kind::kTxn, std::move(room));
    }
    // Adopt the first allowed outcome that some alternative accepts, its event record's fields
    // included, then check what the event queue shows.
    for (const auto& o : p.outcomes) {
      // An outcome that attempts a record is tried against the fault alternatives first: an
      // `abort` or `raz` alternative accepts it only if the record does not reach the queue,
      // which is known only after adoption, so trying it first would reject `oneof abort |
      // fault E` for an outcome that `fault E` accepts.
      std::vector<const Expectation*> order;
      for (int pass = 0; pass < 2; ++pass)
        for (const auto& alt : *alts) {
          const bool records = alt.kind == Expectation::Kind::kFault ||
                               alt.kind == Expectation::Kind::kMerged;
          if ((pass == 0) == (records || !o.event)) order.push_back(&alt);
        }
      for (const Expectation* a : order) {
        const Expectation& alt = *a;
        if (!alt.MatchesOutcome(o)) continue;
        std::string why;
        const bool fault = alt.kind == Expectation::Kind::kFault ||
                           alt.kind == Expectation::Kind::kMerged;
        if (fault && o.event && !alt.MatchesRecord(*o.event, &why, profile_.oas)) continue;
        Adopt(o);
        if (CheckQueueAfter(alt, o, p.prod_before, &why)) {
          Pass();
        } else {
          const std::string rule = o.rule.empty() ? "ok" : o.rule;
          Fail(l, "txn " + ToString(p.txn) + ": expected " + want + "; " + why, "expect", rule);
          ++report_->rule_failures[rule];
          ConsumeEvents(*device_, profile_);
        }
        return true;
      }
    }
    std::string observed;
    if (p.outcomes.size() == 1) {
      observed = ToString(p.outcomes.front());
      // Name the field that differs when the event type is the expected one.
      for (const auto& alt : *alts) {
        std::string why;
        const auto& ev = p.outcomes.front().event;
        if (alt.kind == Expectation::Kind::kFault && ev && ev->type == alt.event &&
            !alt.MatchesRecord(*ev, &why, profile_.oas)) {
          observed += " (" + why + ")";
          break;
        }
      }
    } else {
      observed = "one of " + std::to_string(p.outcomes.size()) + " allowed outcomes:";
      for (const auto& o : p.outcomes) observed += "\n      - " + ToString(o);
    }
    Adopt(p.outcomes.front());
    // A record the failed transaction wrote is consumed, so the next expectation reads its own.
    ConsumeEvents(*device_, profile_);
    const std::string rule = p.outcomes.front().rule.empty() ? "ok" : p.outcomes.front().rule;
    Fail(l, "txn " + ToString(p.txn) + ": expected " + want + ", observed " + observed, "expect",
         rule);
    ++report_->rule_failures[rule];
    return true;
  }

  // `expect fault`: the record must be the next unread one in the queue, and is consumed. Every
  // other expectation: the transaction wrote no record.
  bool CheckQueueAfter(const Expectation& alt, const spec::TxnOutcome& o, uint64_t prod_before,
                       std::string* why) {
    if (EventQueueUnknown()) return true;
    if (alt.kind != Expectation::Kind::kFault) {
      const QueueGeometry q = EventQueue(*device_, profile_);
      if (q.Value(device_->RegRead(Reg::EVENTQ_PROD)) == q.Value(prod_before)) return true;
      *why = "outcome " + ToString(o) + " but an event record was written";
      return false;
    }
    auto rec = PopEvent(*device_, profile_);
    if (!rec) {
      *why = "outcome " + ToString(o) + " but the event queue holds no new record";
      return false;
    }
    return alt.MatchesRecord(*rec, why, profile_.oas);
  }

  // Whether the oracle no longer knows which records the device's event queue holds (its
  // producer index is UNKNOWN, C-EVT-005): checks of the queue then hold whatever it shows.
  bool EventQueueUnknown() {
    const QueueGeometry q = EventQueue(*device_, profile_);
    return (device_->RegUnknownMask(Reg::EVENTQ_PROD) & ((uint64_t{2} << q.log2size) - 1)) != 0;
  }

  Result<bool> EventExpect(const VectorLine& l) {
    auto e = ParseEventExpectation(l, 0);
    if (!e) return e.error();
    EventRoom(l);
    if (EventQueueUnknown()) {
      ConsumeEvents(*device_, profile_);
      Pass();
      return true;
    }
    auto rec = PopEvent(*device_, profile_);
    std::string why;
    if (!rec) {
      Fail(l, "expected " + l.text.substr(13) + ", but the event queue holds no record",
           "event.expect", "");
    } else if (!e->MatchesRecord(*rec, &why, profile_.oas)) {
      Fail(l, "expected " + l.text.substr(13) + "; " + why, "event.expect", "");
    } else {
      Pass();
    }
    return true;
  }

  Result<bool> EventNone(const VectorLine& l) {
    if (!l.args.empty()) return Usage(l, "event.none");
    EventRoom(l);
    if (EventQueueUnknown()) {
      Pass();
      return true;
    }
    auto rec = PeekEvent(*device_, profile_);
    if (rec) Fail(l, "expected no unread event record, observed " + ToString(*rec), "event.none", "");
    else Pass();
    return true;
  }

  // What a driver does after reading the device's registers (spec/vector-format.md), so that a
  // program can recover from whatever the device did.
  Result<bool> Driver(const VectorLine& l) {
    namespace rf = spec::reg;
    if (!l.args.empty()) return Usage(l, l.op);
    if (l.op == "event.drain") {
      // Every record consumed and an overflow acknowledged: CONS takes PROD's WR and OVFLG.
      const uint64_t prod = device_->RegRead(Reg::EVENTQ_PROD);
      uint64_t cons = 0;
      spec::Set(&cons, rf::EVENTQ_CONS_RD, spec::Get(&prod, rf::EVENTQ_PROD_WR));
      spec::Set(&cons, rf::EVENTQ_CONS_OVACKFLG, spec::Get(&prod, rf::EVENTQ_PROD_OVFLG));
      device_->RegWrite(Reg::EVENTQ_CONS, cons);
    } else if (l.op == "gerror.ack") {
      device_->RegWrite(Reg::GERRORN, device_->RegRead(Reg::GERROR));
    } else {
      // cmd.skip: with GERROR.CMDQ_ERR active, the command at CMDQ_CONS becomes a CMD_SYNC.
      const uint64_t active = device_->RegRead(Reg::GERROR) ^ device_->RegRead(Reg::GERRORN);
      if (!spec::Get(&active, rf::GERROR_CMDQ_ERR)) return true;
      const QueueGeometry q = CommandQueue(*device_, profile_);
      const uint64_t slot = q.base + q.Index(device_->RegRead(Reg::CMDQ_CONS)) * 16;
      uint64_t sync[2] = {0, 0};
      spec::Set(sync, spec::cmd::Opcode, spec::cmd::op::CMD_SYNC);
      device_->MemWrite64(slot, sync[0]);
      device_->MemWrite64(slot + 8, sync[1]);
    }
    return true;
  }

  Result<bool> ExecuteApi(const VectorLine& l) {
#ifdef SMMUREF_HAVE_API
    if (!api_) {
      api_ = MakeApiExecutor(opts_.dut);
      report_->api_device = ApiDeviceName(opts_.dut);
    }
    auto r = api_->Execute(l);
    if (!r) return r.error();
    for (const std::string& m : r->mismatches) {
      ++report_->mismatches;
      report_->failures.push_back({l.Where(), "MISMATCH: " + m, true, "", ""});
    }
    if (r->kind == LineResult::Kind::kPass) Pass();
    if (r->kind == LineResult::Kind::kFail) Fail(l, r->message, "api", "");
    if (opts_.strict && r->kind != LineResult::Kind::kDone) ++report_->uncounted;
    return true;
#else
    return Error{l.Where(), "not modelled: IOMMU API operations are not built into this binary",
                 spec::ErrorKind::kNotModelled};
#endif
  }

  RunOptions opts_;
  FileReport* report_;
  LockstepDevice* lockstep_ = nullptr;
  std::unique_ptr<Device> device_;
  Device* model_ = nullptr;  // the reference model: device_ itself, or the lockstep oracle
  spec::Profile profile_;
  std::optional<Pending> pending_;
  int translations_ = 0;
  // Coverage of the devices replaced so far, and of the model's own run (no lockstep).
  std::set<std::string> rules_, observations_;
  std::map<std::string, int> rule_checks_, rule_failures_;
#ifdef SMMUREF_HAVE_API
  std::unique_ptr<LineExecutor> api_;
#endif
};

}  // namespace

FileReport RunVectorFile(const VectorFile& file, const RunOptions& opts) {
  FileReport report;
  report.path = file.path;
  // The device is made at the first line that needs it; an unknown name is an error even for a
  // file that never needs one (only `api.*` lines).
  if (const std::string problem = DeviceNameProblem(opts.dut); !problem.empty()) {
    report.error = true;
    report.error_message = problem;
    return report;
  }
  Session s(opts, &report);
  auto stop = [&](const Error& e) {
    report.error = true;
    report.error_message = e.ToString();
    report.error_kind = e.kind;
    report.bound = e.kind == spec::ErrorKind::kBound;
    s.Stats(&report);
  };
  for (const auto& l : file.lines) {
    auto r = s.Execute(l);
    s.CollectMismatches(l);
    // A device that stopped ends the file at this line, whatever the line's own result.
    if (auto stopped = s.Stopped()) {
      Error e = *stopped;
      e.where = l.Where();
      e.message = opts.dut + ": " + e.message;
      stop(e);
      return report;
    }
    if (!r) {
      stop(r.error());
      return report;
    }
  }
  s.Finish();
  if (!file.lines.empty()) s.CollectMismatches(file.lines.back());
  s.Stats(&report);
  return report;
}

FileReport RunVectorPath(const std::string& path, const RunOptions& opts) {
  auto f = ReadVectorFile(path);
  if (!f) {
    FileReport report;
    report.path = path;
    report.error = true;
    report.error_message = f.error().ToString();
    return report;
  }
  return RunVectorFile(*f, opts);
}

}  // namespace smmuref::conform
