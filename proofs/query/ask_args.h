// Argument parsing shared by the canned questions (ask.h): `--name value` options and
// positional words, numbers in the vector-file syntax (0x.. or decimal), errors that name the
// offending word.
// Tests: tests/proofs/query_test.cc
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "smmuref/spec/error.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

struct AskArgs {
  std::map<std::string, std::string> options;  // "--name" -> value
  std::vector<std::string> positional;
};

// Splits `words` (after the question's name); `known` lists the accepted options.
spec::Result<AskArgs> ParseAskArgs(const std::vector<std::string>& words,
                                   const std::vector<std::string>& known);
// An unsigned number in the vector-file syntax, at most `max`.
spec::Result<uint64_t> AskNumber(const std::string& what, const std::string& word,
                                 uint64_t max = ~uint64_t{0});
// The --profile option (default full).
spec::Result<spec::Profile> AskProfile(const AskArgs& a);
// Exactly `n` positional doublewords starting at `from`.
spec::Result<std::vector<uint64_t>> AskWords(const AskArgs& a, size_t from, size_t n,
                                             const std::string& what);

}  // namespace smmuref::proofs
