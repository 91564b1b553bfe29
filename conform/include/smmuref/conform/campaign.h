// The differential random campaign: generated programs run on a device in lockstep with the
// model until a time budget is spent; every mismatch is written as a replayable vector file.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace smmuref::conform {

struct CampaignOptions {
  double seconds = 20;
  uint64_t seed = 1;
  std::string dut = "impl";
  std::string results_dir = "results";
  bool progress = true;   // a live line on stderr
  uint64_t max_programs = 0;  // 0 = until the time is spent
  bool stop_at_first_mismatch = false;
  // Every program runs on this profile (name or path) instead of the one it was generated
  // with: a DUT is checked only on what its profile claims. Empty: the generated ones.
  std::string profile;
};

struct CampaignReport {
  uint64_t programs = 0;
  uint64_t translations = 0;
  uint64_t bounded = 0;  // programs ended by the model's allowed-set bound (not mismatches)
  std::string first_bound_reason;
  std::set<std::string> rules;
  std::set<std::string> observations;
  std::map<std::string, int> rule_checks, rule_failures;  // summed over programs (FileReport)
  uint64_t mismatches = 0;  // programs with a mismatch; the first kMaxWritten are written out
  uint64_t device_failures = 0;  // programs ended by a device failure (written out like mismatches)
  uint64_t not_implemented = 0;  // programs that need what the DUT does not implement
  std::string first_not_implemented;
  static constexpr size_t kMaxWritten = 10;
  std::vector<std::string> mismatch_files;      // reproducers written
  std::vector<std::string> mismatch_summaries;  // one per written reproducer
  std::vector<std::string> write_errors;        // mismatches whose reproducer could not be written
  double elapsed = 0;
};

CampaignReport RunCampaign(const CampaignOptions& o);

// Where a run's reproducers go: results_dir/check-DUT-seed-SEED.
std::string ResultsFolder(const CampaignOptions& o);

}  // namespace smmuref::conform
