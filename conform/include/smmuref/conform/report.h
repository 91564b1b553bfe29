// Reports of `smmuref vectors run` and `smmuref check`: the human text, JSON and JUnit XML for CI
// systems (spec/reports.md). Tests: tests/cli/report_test.cc, tests/cli/cli_test.cc.
#pragma once

#include <string>
#include <vector>

#include "smmuref/conform/campaign.h"
#include "smmuref/conform/driver_e2e.h"
#include "smmuref/conform/runner.h"

namespace smmuref::conform {

// Sums over file reports. Status: 2 if any file had bad input, else 1 if an expectation failed,
// the device disagreed with the model or failed, else 0. Files that need what the DUT does not
// implement are counted apart and fail nothing.
struct Totals {
  int files = 0, passed = 0, failed = 0, mismatches = 0, errors = 0;
  int device_failures = 0, not_implemented = 0;
  int failed_then_stopped = 0;  // files that failed a check before they stopped
  void Add(const FileReport& r);
  int Status() const;
};

// One file: "PASS  path (N expectations)" (not when quiet), "FAIL  path ..." with each failure's
// file:line, or "ERROR path" with the bad-input message.
std::string TextFileReport(const FileReport& r, bool quiet);
// `vectors run --strict`: one line per expectation with the outcomes the model allowed there and
// how many the expectation accepts (when quiet, only those that allowed more than one), then
// "room: K of N expectations allowed more than one outcome". Empty for a file with bad input.
std::string TextRoom(const FileReport& r, bool quiet);
// "N passed, M failed" and, when some files had bad input, how many.
std::string TextTotals(const Totals& t);

// Everything a run of `vectors run` or `check` found, for the machine-readable reports.
struct RunSummary {
  std::string command;  // "vectors run" or "check"
  std::string dut;
  std::vector<FileReport> files;
  std::vector<std::string> areas;  // per file: its corpus folder (check), or empty
  bool campaign_run = false;       // check: the differential campaign ran
  CampaignOptions campaign_options;
  CampaignReport campaign;
  bool driver_run = false;                // check: the driver's end-to-end phase ran
  DriverE2eOptions driver_options;
  DriverE2eReport driver;
  std::string driver_vector_file;         // where its violation's vector went, if anywhere
  std::vector<std::string> not_modelled;  // spec/not-modelled.md, first column
  int status = 0;                         // the exit status of the run
};

// JSON (one object; schema in spec/reports.md) and JUnit XML (one testsuite per corpus area or
// per command, one testcase per vector file, one for the campaign). Text that is not UTF-8 (a
// path given by the user) is written with U+FFFD in place of each bad byte.
std::string ToJson(const RunSummary& run);
std::string ToJUnit(const RunSummary& run);

}  // namespace smmuref::conform
