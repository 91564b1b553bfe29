// `smmuref conform` as a library call: vector files on a device under test in lockstep with the
// model, then the differential campaign restricted to the DUT's profile, returning a report.
// Printing is the caller's (the CLI's): progress comes through a callback, and the text, JSON
// and JUnit forms are functions of the report (report.h, TextConformReport).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "smmuref/conform/campaign.h"
#include "smmuref/conform/report.h"
#include "smmuref/conform/runner.h"

namespace smmuref::conform {

struct ConformOptions {
  std::string dut;
  std::vector<std::string> files;  // vector files to run first
  // The campaign's profile (name or path). Empty: the DUT's own profile (dut.h `profile`, the
  // protocol's hello answer), or, for a DUT without one, each generated program's own.
  std::string profile;
  bool campaign = true;
  CampaignOptions camp;  // budget, seed, results folder (its dut and profile are set from above)
  // Called after each vector file (index from 0); the campaign reports through camp.progress.
  std::function<void(const FileReport&, size_t index, size_t total)> on_file;
};

// Checks, failures and "not implemented" per rule id, by vectors and by the campaign.
struct RuleTally {
  int checked = 0, failed = 0;
};

struct ConformReport {
  RunSummary run;  // files, campaign, status
  Totals totals;   // over the vector files
  std::string profile;  // what the campaign ran on ("" = generated profiles)
  std::string profile_source;  // "--profile", "the DUT's own", or "generated programs"
  std::map<std::string, RuleTally> by_vectors, by_campaign;
};

// An Error only for bad input found before anything ran (an unknown device or profile).
spec::Result<ConformReport> RunConform(const ConformOptions& o);

// The DUT's own profile text (spec/profiles/ format), or "" when it declares none; an Error when
// the DUT cannot be asked (it failed).
spec::Result<std::string> DutOwnProfile(const std::string& dut);
// The system the DUT declares for campaign programs (progen.h Platform): QEMU's for `qemu`,
// smmuref's own (the default) for every other DUT.
Platform DutPlatform(const std::string& dut);

// The human summary: per rule id checked / failed, not implemented, device failures, and the
// spec coverage against the rule ids in `all_rules` (from spec/rules.md).
std::string TextConformReport(const ConformReport& r, const std::vector<std::string>& all_rules);

}  // namespace smmuref::conform
