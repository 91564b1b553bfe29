// The `smmuref` command line (CLI11): one Add*Command function per command registers its
// subcommand, typed and range-checked options and the callback that runs it. Adding a command is
// one file here and one line in main.cc. Options and help text come from the same definitions.
// Tests: tests/cli/cli_test.cc, tests/badinput/badinput_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "smmuref/conform/report.h"

namespace smmuref::cli {

// Exit status of every command.
inline constexpr int kOk = 0;      // all passed
inline constexpr int kFailed = 1;  // a check failed
inline constexpr int kUsage = 2;   // bad input or usage

// Each registers one command on `app`; running it stores its exit status in `*status`.
void AddCheckCommand(CLI::App& app, int* status);
void AddVectorsCommand(CLI::App& app, int* status);
void AddExplainCommand(CLI::App& app, int* status);
void AddProfilesCommand(CLI::App& app, int* status);
void AddNotModelledCommand(CLI::App& app, int* status);
void AddConformCommand(CLI::App& app, int* status);
void AddShrinkCommand(CLI::App& app, int* status);
void AddRulesCommand(CLI::App& app, int* status);
// `explain-update` (cli/explain_update.cc), when the driver (impl/driver) is built.
void AddExplainUpdateCommand(CLI::App& app, int* status);

// `--shrink` and `--shrink-dir DIR` of `vectors run` and `conform` (cli/shrink.cc): each failing
// file is shrunk (conform/shrink.h) to DIR/NAME.min.vec, recorded in its FileReport (`shrunk`,
// `shrink_note`) and named on stdout. The default DIR: RESULTS/shrunk-DUT.
void AddShrinkOptions(CLI::App* command, bool* shrink, std::string* dir,
                      const std::string& default_dir);
std::string DefaultShrinkDir(const std::string& results, const std::string& dut);
// Creates DIR; empty, or what is wrong (naming --shrink-dir): a usage error before any run.
std::string ShrinkDirProblem(const std::string& dir);
void ShrinkFailingFiles(const std::string& dut, const std::string& dir,
                        std::vector<conform::FileReport>* files);

// spec/not-modelled.md: its table (between the markers), and the table's first column.
std::string NotModelledTable();
std::vector<std::string> NotModelledAreas();

// `--json FILE` and `--junit FILE` of `check` and `vectors run` (conform/report.h).
struct ReportFiles {
  std::string json, junit;
};
void AddReportOptions(CLI::App* command, ReportFiles* files);
// Creates (truncates) the report files before a run, so that a path that cannot be written is a
// usage error before anything runs. Returns an empty string or what went wrong, naming the option.
std::string OpenReportFiles(const ReportFiles& files);
// Writes the reports of a finished run; false (after a message on stderr) if one failed.
bool WriteReportFiles(const ReportFiles& files, const conform::RunSummary& run);

// Option values. Each validator rewrites what it accepts into a canonical decimal form, so the
// value CLI11 stores is exactly the one validated (CLI11 itself would read "010" as octal).
// An unsigned number in the vector-file syntax (0x.. or decimal, no octal), in [min, max].
CLI::Validator Number(uint64_t min, uint64_t max);
// A positive duration in seconds: digits with an optional decimal fraction, at most `max`.
CLI::Validator Seconds(double max);
// One of the built-in device names (conform/device.h).
CLI::Validator DeviceName();

// Campaign budgets accepted by `check` (a week; a billion programs).
inline constexpr double kMaxSeconds = 604800;
inline constexpr uint64_t kMaxPrograms = 1000000000;

// The limits every command enforces, as printed in `--help` (spec/vector-format.md, "Limits").
std::string LimitsText();

}  // namespace smmuref::cli
