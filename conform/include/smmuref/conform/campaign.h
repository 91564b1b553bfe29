// The differential random campaign: generated programs (progen.h) run on a device in lockstep
// with the model, for a number of programs (the default, so that a seed means the same programs
// on every machine) or a time budget. It records which rule ids (spec/coverage.h) and outcome
// classes each program exercised, shifts the programs' focus towards what is rarely hit, and
// writes every mismatch as a replayable vector named by its program id.
// Tests: tests/conform/campaign_test.cc, tests/CMakeLists.txt (mutants/*)
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "smmuref/conform/progen.h"
#include "smmuref/conform/runner.h"
#include "smmuref/conform/shrink.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/error.h"

namespace smmuref::conform {

// The default budget of `smmuref check` and of the tests: programs, not seconds.
inline constexpr uint64_t kDefaultPrograms = 20000;

// One program of a campaign: its generator seed and focus, written "SEED:FOCUS" (decimal seed,
// focus by name, e.g. "1000007:queues"). The same id gives the same program on every machine.
struct ProgramId {
  uint64_t seed = 0;
  Focus focus = Focus::kMix;
  std::string ToString() const;
};
// Parses "SEED:FOCUS" or a bare "SEED" (focus mix); anything else is an error naming the format.
spec::Result<ProgramId> ParseProgramId(const std::string& text);
// The text of the program `id` names, for `platform` (progen.h; the default: smmuref's own).
std::string ProgramText(const ProgramId& id, const Platform& platform = {});

struct CampaignOptions {
  double seconds = 0;  // a time limit as well (0 = none); results then depend on machine speed
  uint64_t seed = 1;
  std::string dut = "impl";
  std::string results_dir = "results";
  bool progress = true;  // a live line on stderr
  uint64_t max_programs = kDefaultPrograms;  // 0 = only the time limit
  bool stop_at_first_mismatch = false;
  // Every program runs on this profile (name or path) instead of the one it was generated
  // with: a DUT is checked only on what its profile claims. Empty: the generated ones.
  std::string profile;
  bool directed = true;  // false: every program has focus mix
  unsigned jobs = 0;     // worker threads; 0 = the machine's cores, at most 4 (same programs)
  // Shrink the first CampaignReport::kMaxShrunk reproducers written (shrink.h), each to
  // mismatch-SEED-FOCUS.min.vec next to it, within these bounds.
  bool shrink = true;
  uint64_t shrink_runs = kDefaultShrinkRuns;
  double shrink_seconds = kDefaultShrinkSeconds;
  // The system the DUT declares (check.h DutPlatform): where programs put memory, which
  // StreamIDs and transactions they use.
  Platform platform;
};

struct CampaignReport {
  uint64_t programs = 0;
  uint64_t translations = 0;
  uint64_t bounded = 0;  // programs ended by the model's allowed-set bound (not mismatches)
  std::string first_bound_reason;
  std::string first_bound_program;
  std::set<std::string> rules;         // rule ids the model exercised (coverage probes)
  std::set<std::string> observations;  // distinct outcome classes
  std::array<uint64_t, spec::coverage::kRuleCount> rule_hits{};  // programs per rule id
  std::array<uint64_t, kFocusCount> focus_programs{};
  std::map<std::string, int> rule_checks, rule_failures;  // summed over programs (FileReport)
  uint64_t mismatches = 0;  // programs with a mismatch; the first kMaxWritten are written out
  uint64_t device_failures = 0;  // programs ended by a device failure (written out like mismatches)
  uint64_t not_implemented = 0;  // programs that need what the DUT does not implement
  std::string first_not_implemented;
  static constexpr size_t kMaxWritten = 10;
  uint64_t first_mismatch = 0;  // programs run up to and including the first mismatch; 0 = none
  std::string first_mismatch_program;
  std::vector<std::string> mismatch_files;      // reproducers written
  std::vector<std::string> mismatch_summaries;  // one per written reproducer
  std::vector<std::string> write_errors;        // mismatches whose reproducer could not be written
  // Per written reproducer: its shrunk vector ("" when not shrunk) and how the shrink went (or
  // why there is none). Only the first kMaxShrunk are shrunk: each shrink runs the device
  // hundreds to thousands of times.
  static constexpr size_t kMaxShrunk = 3;
  std::vector<std::string> shrunk_files;
  std::vector<std::string> shrink_notes;
  double elapsed = 0;      // wall-clock seconds
  double cpu_seconds = 0;  // CPU time of the process meanwhile (every worker thread)
  unsigned jobs = 1;       // worker threads used

  size_t RulesExercised() const { return rules.size(); }
  std::vector<std::string> RulesNeverHit() const;
  double ProgramsPerSecond() const { return elapsed > 0 ? programs / elapsed : 0; }
  // Programs per CPU second: the rate on an unloaded machine, per core.
  double ProgramsPerCpuSecond() const { return cpu_seconds > 0 ? programs / cpu_seconds : 0; }
};

// SMMUv3 rule ids no random program reaches in the modelled scope, with the reason.
const std::vector<std::pair<std::string, std::string>>& UnreachableRules();

CampaignReport RunCampaign(const CampaignOptions& o);
// A device's name as a folder name: its own, the file name of a PATH.so, or "exec-" and the
// file name of an exec: command's last word; other characters than [A-Za-z0-9._-] become '_'.
std::string DutFolderName(const std::string& dut);
// Where a run's reproducers go: results_dir/check-DUT-seed-SEED.
std::string ResultsFolder(const CampaignOptions& o);
// The one program `id` alone, reported like a campaign of one (mismatch written as usual).
CampaignReport ReplayProgram(const CampaignOptions& o, const ProgramId& id);

}  // namespace smmuref::conform
