// Reports of `smmuref vectors run` and `smmuref check`: the human text, and (report.cc) JSON and
// JUnit XML for CI systems. Tests: tests/cli/cli_test.cc, tests/conform/runner_test.cc.
#pragma once

#include <string>

#include "smmuref/conform/runner.h"

namespace smmuref::conform {

// Sums over file reports. Status: 2 if any file had bad input, else 1 if an expectation failed or
// the device disagreed with the model, else 0.
struct Totals {
  int files = 0, passed = 0, failed = 0, mismatches = 0, errors = 0;
  void Add(const FileReport& r);
  int Status() const;
};

// One file: "PASS  path (N expectations)" (not when quiet), "FAIL  path ..." with each failure's
// file:line, or "ERROR path" with the bad-input message.
std::string TextFileReport(const FileReport& r, bool quiet);
// "N passed, M failed" and, when some files had bad input, how many.
std::string TextTotals(const Totals& t);

}  // namespace smmuref::conform
