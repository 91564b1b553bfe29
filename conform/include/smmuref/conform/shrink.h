// Shrinking of failing vectors: a failing vector text is reduced to a small one that fails the
// same way (the same kind of failure, the same first failing check class and rule id), by
// removing groups of lines (ddmin-style, halving chunk sizes), simplifying numeric operands
// (zero, then fewer set bits), merging memory writes and ranges, and dropping expectations and
// comments that the failure does not need. Every candidate runs in-process through RunVectorFile
// with the failure's own RunOptions, so the result replays with `smmuref vectors run --dut D`.
// The campaign shrinks the mismatches it writes (campaign.h); `vectors run --shrink`,
// `conform --shrink` and `smmuref shrink` shrink vector files (README, spec/reports.md).
// Tests: tests/conform/shrink_test.cc, tests/cli/shrink_cli_test.cc
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "smmuref/conform/runner.h"
#include "smmuref/spec/error.h"

namespace smmuref::conform {

// The bounds of one shrink: candidate runs (deterministic) and wall-clock seconds (a guard on
// slow devices; a shrink it stops depends on the machine's speed, and says so).
inline constexpr uint64_t kDefaultShrinkRuns = 20000;
inline constexpr double kDefaultShrinkSeconds = 60;

// What a failure is, for "the same failure": the first failure of a run (in line order).
struct FailureSignature {
  enum class Kind { kNone, kDisagreement, kExpectation, kDeviceFailure };
  Kind kind = Kind::kNone;
  std::string check;   // Failure::check of the first failure ("txn outcome", "expect", ...)
  std::string rule;    // Failure::rule of the first failure
  std::string detail;  // a device failure: its message without file:line and numbers
  bool operator==(const FailureSignature&) const = default;
  // "disagreement (txn outcome) [R-TLB-004]", "device failure: ...", "none".
  std::string ToString() const;
};

// The first failure of a run, or the device's failure when no check failed before it. kNone
// when the file passed, or stopped on bad input, on the model's allowed-set bound or on what the
// device does not implement before any check failed.
FailureSignature SignatureOf(const FileReport& r);

// The shrink predicate: `r` has the failure `want` names as its first failure, and did not stop
// on bad input or the bound (a candidate whose failure became a parse error or moved to another
// rule or check is rejected; one that stops on "not implemented" after the failure is not).
bool SameFailure(const FailureSignature& want, const FileReport& r);

struct ShrinkOptions {
  RunOptions run;  // the device and profile the failure was found with
  uint64_t max_runs = kDefaultShrinkRuns;
  double max_seconds = kDefaultShrinkSeconds;  // 0: no wall-clock bound
  // Called after a candidate run, at most every half second, once a shrink has taken a second.
  std::function<void(size_t lines, uint64_t runs, double seconds)> progress;
};

struct ShrinkResult {
  std::string text;  // the shrunk vector: header and operation lines, no comments
  FailureSignature kept;
  size_t original_lines = 0;  // operation lines (not the header, comments or blank lines)
  size_t shrunk_lines = 0;
  uint64_t runs = 0;  // candidate runs, the original's included
  double seconds = 0;
  std::string stopped_by;  // empty, or the bound that stopped the shrink before a fixpoint
  // The run's profile (RunOptions::profile) is written into the vector's `profile` lines, so
  // that the result replays without it.
};

// Shrinks `text` (a vector file's text; `path` names it in messages). A file that passes gives
// kept.kind == kNone and no text (nothing to shrink); an Error (bad input) when the text does not
// parse or stops on an error before any check failed. Deterministic:
// the same text and options give the same result, unless the wall-clock bound stopped it.
spec::Result<ShrinkResult> ShrinkVector(const std::string& text, const std::string& path,
                                        const ShrinkOptions& o);

// "x.min.vec" for ".../x.vec" (or "x.min.vec" for "x").
std::string ShrunkName(const std::string& path);

// Writes the shrunk vector to `out` with a header comment: the source file and its line count,
// the shrunk line count, candidate runs, seconds, the failure kept (its rule id and where it
// is in this file), the bound that stopped it if one did, and the replay command
// `smmuref vectors run --dut DUT OUT`. Returns the file's text, or an Error when it cannot be
// written.
spec::Result<std::string> WriteShrunk(const ShrinkResult& r, const std::string& dut,
                                      const std::string& source, const std::string& out);
// The same text, for `out` (not written).
std::string ShrunkFileText(const ShrinkResult& r, const std::string& dut,
                           const std::string& source, const std::string& out);

// One line for summaries: "N -> M lines, R candidate runs, T s[, stopped by ...]".
std::string ShrinkNote(const ShrinkResult& r);

}  // namespace smmuref::conform
