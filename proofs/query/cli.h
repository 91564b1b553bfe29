// `smmuref query`, registered on the CLI11 application of conform/src/main.cc when the proofs
// are built (SMMUREF_HAVE_PROOFS). Its arguments are parsed here (the canned questions take
// their own options), so the command is a CLI11 prefix command.
// Tests: tests/proofs/query_test.cc, corpus/queries/ (ctest queries/*)
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace smmuref::proofs {

void AddQueryCommand(CLI::App& app, int* status);

// The command itself, on the words after `query` (for the fuzz target and tests): writes the
// answer to *out and errors to *err, returns the exit status.
int RunQueryCommand(const std::vector<std::string>& args, std::string* out, std::string* err);

}  // namespace smmuref::proofs
