// Runs the built `smmuref` binary (SMMUREF_CLI, set by tests/CMakeLists.txt) as a child process
// with a time limit, capturing its exit status and output. Shared by the CLI tests and the
// bad-input suite. Tests that use it: tests/cli/cli_test.cc, tests/badinput/badinput_test.cc.
#pragma once

#include <string>
#include <vector>

namespace smmuref::testing {

struct CliRun {
  int status = -1;        // exit status; -1 if killed by a signal or timed out
  bool timed_out = false;
  std::string out, err;
  std::string All() const { return out + err; }
};

// Runs SMMUREF_CLI with `args` in directory `cwd` (empty: the test's own), killing it after
// `timeout_seconds`. The ctest TIMEOUT of each test is a second guard.
CliRun RunCli(const std::vector<std::string>& args, const std::string& cwd = "",
              int timeout_seconds = 20);

// A fresh empty directory under the test's temporary folder.
std::string TempDir(const std::string& name);

}  // namespace smmuref::testing
