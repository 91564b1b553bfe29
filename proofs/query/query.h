// `smmuref query FILE.smt2`: the user's SMT-LIB declarations and assertions over the encodings
// (the prelude, prelude.h), answered as
//   sat      with a witness: every declared constant, and each group NAME.dw0.. whose NAME
//            starts with ste, cd, l1std, l1cd, desc or event decoded as `smmuref explain` does;
//   unsat    with the rule ids of the unsat core (the legality functions' rule constants);
//   unknown  with the reason (the budget, or Z3's);
// or a bad-input error naming FILE:LINE (a malformed file, an unknown function, a wrong sort).
// Commands other than declarations, definitions and assertions are ignored.
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2 (ctest queries/*)
#pragma once

#include <string>

#include "proofs/lib/prove.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

struct QueryAnswer {
  enum class Kind { kSat, kUnsat, kUnknown, kBadInput };
  Kind kind = Kind::kBadInput;
  std::string text;  // the answer as printed (or the error, "FILE:LINE: message")
};

QueryAnswer RunQuery(const std::string& text, const std::string& path, const spec::Profile& p,
                     const ProveOptions& options);

// The witness of a sat answer, as printed (shared with the canned questions).
std::string FormatWitness(const ProofResult& r, const spec::Profile& p);

// Exit status of an answer: 0 sat or unsat, 1 unknown, 2 bad input.
int QueryExitStatus(const QueryAnswer& a);

}  // namespace smmuref::proofs
