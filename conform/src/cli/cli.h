// The `smmuref` command line (CLI11): one Add*Command function per command registers its
// subcommand, typed and range-checked options and the callback that runs it. Adding a command is
// one file here and one line in main.cc. Options and help text come from the same definitions.
// Tests: tests/cli/cli_test.cc, tests/badinput/badinput_test.cc.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

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
