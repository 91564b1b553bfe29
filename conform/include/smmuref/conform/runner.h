// Runs vector files against a device and reports per expectation.
#pragma once

#include <map>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "smmuref/conform/vector.h"
#include "smmuref/spec/error.h"

namespace smmuref::conform {

struct Failure {
  std::string where;    // file:line
  std::string message;  // expected vs observed
  bool mismatch = false;  // a disagreement with the model, not a failed expectation
  // What failed, typed (shrink.h keeps a failure by these): the class of check ("expect",
  // "reg.expect", "event.expect", "event.none", "api", or a lockstep Mismatch's check) and the
  // rule id it counts against in rule_failures ("ok" for a completion, "reg:NAME" for a
  // register; empty where no rule decided, e.g. an event-queue expectation).
  std::string check;
  std::string rule;
};

// How much room the model left at one expectation (`vectors run --strict`, spec/vector-format.md
// "Strict"): how many outcomes it allowed there and how many of them the expectation accepts.
struct Room {
  enum class Kind { kTxn, kReg, kEvent };
  Kind kind = Kind::kTxn;
  std::string where;      // file:line of the expectation
  std::string what;       // the expectation, as written
  size_t allowed = 1;     // kTxn: distinct observations in the model's allowed set
  size_t accepted = 1;    // kTxn: of those, how many the expectation accepts
  std::vector<std::string> rejected;  // kTxn: the allowed observations it does not accept
  bool any = false;       // the model allows any observation (e.g. an UNKNOWN queue index)
  uint64_t open_bits = 0;  // kReg: bits not compared (UNKNOWN, RES0, IMPLEMENTATION DEFINED)
  // More than one observation is allowed: a txn with several outcomes, or `any`.
  bool Open() const { return any || allowed > 1; }
};

struct FileReport {
  std::string path;
  int passed = 0;  // expectations that held
  int failed = 0;  // expectations that did not hold (not counting `mismatches`)
  std::vector<Failure> failures;  // the failed expectations and the mismatches, in line order
  bool error = false;  // the file stopped at `error_message`, for the reason `error_kind` says
  std::string error_message;
  spec::ErrorKind error_kind = spec::ErrorKind::kBadInput;
  bool bound = false;  // the error is the model's allowed-set bound (R-CACHE-009)
  int mismatches = 0;  // DUT/model disagreements (lockstep), each also in `failures`
  int translations = 0;
  std::set<std::string> rules;         // rule ids of adopted outcomes (the model's, in lockstep)
  std::set<std::string> observations;  // distinct outcome classes of the adopted outcomes
  // Per rule id (LockstepDevice::rule_checks): checks, and checks that failed (a disagreement,
  // or an expectation that did not hold on an outcome the rule decided).
  std::map<std::string, int> rule_checks, rule_failures;
  std::vector<Room> room;  // per expectation, in line order (RunOptions::strict only)
  int uncounted = 0;       // api.* expectations, whose room is not reported (strict only)
  // `--shrink` (shrink.h): the shrunk vector written for this failing file, and how the shrink
  // went or why there is none. Set by the commands, not by RunVectorFile.
  std::string shrunk, shrink_note;
  // Which device ran the file's api.* lines: the DUT's IOMMU API in lockstep with the model
  // ("impl"), or "model" alone when the DUT has none; empty for a file without api.* lines.
  std::string api_device;
  // A check failed: an expectation did not hold or the device disagreed with the model.
  bool Failed() const { return failed > 0 || mismatches > 0; }
  // The file stopped because the device broke, or does not implement what a line needed.
  bool DeviceFailed() const { return error && error_kind == spec::ErrorKind::kDeviceFailure; }
  bool NotImplemented() const { return error && error_kind == spec::ErrorKind::kNotImplemented; }
  // The file stopped on bad input (the user's, or input the model does not cover).
  bool BadInput() const { return error && !bound && !DeviceFailed() && !NotImplemented(); }
};

struct RunOptions {
  // "model", or a device run in lockstep with the model (its outcomes must be allowed).
  std::string dut = "model";
  // When set (a profile name or path), every `profile` line uses it instead of its own (its
  // overrides are dropped too): the campaign restricted to a DUT's profile.
  std::string profile;
  // Also record, per expectation, how many outcomes the model allowed (FileReport::room).
  bool strict = false;
};

FileReport RunVectorFile(const VectorFile& file, const RunOptions& opts);
FileReport RunVectorPath(const std::string& path, const RunOptions& opts);

}  // namespace smmuref::conform
