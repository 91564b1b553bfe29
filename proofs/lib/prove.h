// Prove: one conjecture over Z3 terms, under assumptions that each carry the rule id (or scope
// statement) they come from, with a verdict that is never a silent pass:
//   Proved          the assumptions are satisfiable and no assignment satisfying them falsifies
//                   the conjecture; `core` names the assumptions the proof needed (unsat core);
//   Counterexample  an assignment of every free input that satisfies the assumptions and
//                   falsifies the conjecture;
//   Unknown         Z3 gave up (`reason`, e.g. "timeout"), or the assumptions contradict each
//                   other (a proof under them would be vacuous).
// With ProveOptions::dump_dir set, the query is also written as a standalone SMT-LIB 2 file
// (ID.smt2, characters other than letters, digits, '-' and '.' as '_') that `z3 FILE` answers
// the same way: unsat for Proved, sat for Counterexample. The query asserts the assumptions as
// plain facts (Z3's fast non-incremental path); the unsat core is a second query with one
// indicator literal per rule id.
// Tests: tests/proofs/lib_test.cc
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bv.h"

namespace smmuref::proofs {

// A premise, named by the rule id (R-...) or scope statement it stands for.
struct Assumption {
  std::string rule;
  Bool fact;
};

// The budget of a proof is Z3's resource limit (`rlimit`, a count of solver steps that does
// not depend on the machine or its load, so a verdict never depends on timing); the wall-clock
// timeout only guards against a hang. Both exhausted give Unknown.
struct ProveOptions {
  // Per proof, all its parts and cases together: about 20 s of one core of the machine the
  // budget was set on (about 2M units a second); the heaviest proof uses about 25M.
  uint64_t rlimit = 40'000'000;
  unsigned timeout_ms = 120000;
  std::string dump_dir;  // empty: no SMT-LIB file
  bool core = true;      // compute the unsat core (a second query, with indicator literals)
};

enum class Verdict { kProved, kCounterexample, kUnknown };
const char* VerdictName(Verdict v);  // "proved", "counterexample", "unknown"

struct ProofResult {
  std::string id;
  Verdict verdict = Verdict::kUnknown;
  std::string reason;                       // kUnknown
  std::vector<std::string> core;            // kProved: the assumptions used
  std::map<std::string, uint64_t> inputs;   // kCounterexample: every free 64-bit input by name
  std::map<std::string, bool> flags;        // kCounterexample: every free boolean input
  double seconds = 0;
  uint64_t rlimit = 0;                      // Z3 resource units used
  std::string smt2_path;                    // when dumped
  std::vector<std::pair<std::string, double>> parts;  // ProveParts: seconds per part
};

// Proves `conjecture` under `assumptions`.
ProofResult Prove(const std::string& id, const Bool& conjecture,
                  const std::vector<Assumption>& assumptions, const ProveOptions& options = {});

// A proof split into cases: `cases` must cover every assignment allowed by the assumptions
// (checked first, as its own query), then the conjecture is proved under each case in turn
// (tracked as the assumption "case: NAME"). Proved when every case is; the first
// counterexample or unknown otherwise. The whole proof shares one budget of
// options.timeout_ms. Splitting on a few small fields (a granule encoding, an OAS value)
// turns symbolic divisors and shift amounts into constants, which Z3 then handles quickly;
// the proof stays full width because the cases are exhaustive.
struct Case {
  std::string name;
  Bool condition;
};
ProofResult ProveByCases(const std::string& id, const Bool& conjecture,
                         const std::vector<Assumption>& assumptions,
                         const std::vector<Case>& cases, const ProveOptions& options = {});
// A conjecture made of parts, each proved on its own with its own case split (empty: no
// split); Proved when every part is. Parts that depend on different fields (the two halves of
// a CD) split on those fields only.
struct Part {
  std::string name;
  Bool conjecture;
  std::vector<Case> cases;
};
ProofResult ProveParts(const std::string& id, const std::vector<Part>& parts,
                       const std::vector<Assumption>& assumptions,
                       const ProveOptions& options = {});

// `term` == each of `values`, named "LABEL=VALUE".
std::vector<Case> CasesOf(const std::string& label, const Bv& term,
                          const std::vector<uint64_t>& values);
// Every combination of one case from each list.
std::vector<Case> Product(const std::vector<Case>& a, const std::vector<Case>& b);
// `term` == v for every v in [0, n).
std::vector<Case> CasesBelow(const std::string& label, const Bv& term, uint64_t n);

// A query in the other direction: is `claim` satisfiable under `assumptions`? kCounterexample
// then means "sat, with this witness" and kProved "unsat" (core = the assumptions that forbid
// it). Used by `smmuref query` and the canned questions.
ProofResult Solve(const std::string& id, const Bool& claim,
                  const std::vector<Assumption>& assumptions, const ProveOptions& options = {});

// The value of a free input in a witness (0 when the solver left it unconstrained).
uint64_t Input(const ProofResult& r, const std::string& name);

}  // namespace smmuref::proofs
