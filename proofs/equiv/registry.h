// The catalogue of proofs: each one a conjecture that the engine's kernels, instantiated with
// the symbolic type (proofs/lib/bv.h) from the source that ships, equal (or refine) the
// encodings of the model. Every proof has a deliberately wrong variant, built from the same
// kernels with one thing changed, which must yield a counterexample; it is decoded into named
// fields and, where a vector can show the same mistake, written as a vector file that fails on
// the matching `--dut impl-mutant-K` replay.
// `smmuref prove` (proofs/equiv/main.cc) runs the catalogue; tests/proofs/equiv_main.cc makes
// each entry a ctest under the label `proofs`.
// Tests: tests/proofs/equiv_main.cc
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "proofs/lib/prove.h"

namespace smmuref::proofs {

struct ProofCase {
  ProofCase(std::string i, std::string w, std::function<ProofResult(const ProveOptions&)> r)
      : id(std::move(i)), width(std::move(w)), run(std::move(r)) {}
  std::string id;     // e.g. "ste/full"; wrong variants end in "/wrong"
  std::string width;  // what is symbolic, and any bound ("full width: ...", "bounded: ...")
  std::function<ProofResult(const ProveOptions&)> run;
  bool wrong = false;  // a deliberately wrong variant: passes when it yields a counterexample
  int mutant = 0;      // the impl-mutant-K that makes the same mistake, 0 if none
  // Named fields of a counterexample (empty: the raw inputs are printed).
  std::function<std::string(const ProofResult&)> describe;
  // A vector file reproducing a counterexample (empty function: none can be built).
  std::function<std::string(const ProofResult&)> vector;
};

std::vector<ProofCase> AllProofs();

// Parts of the catalogue (one per file in proofs/equiv/).
void AddLayoutProofs(std::vector<ProofCase>* out);
void AddKernelProofs(std::vector<ProofCase>* out);
void AddConfigProofs(std::vector<ProofCase>* out);
void AddWalkProofs(std::vector<ProofCase>* out);
void AddPermProofs(std::vector<ProofCase>* out);
void AddQueueProofs(std::vector<ProofCase>* out);
void AddTlbiProofs(std::vector<ProofCase>* out);
void AddApiProofs(std::vector<ProofCase>* out);

// Whether a result is what the case expects (proved, or a counterexample for a wrong variant).
bool AsExpected(const ProofCase& c, const ProofResult& r);

// The inputs of a counterexample, one per line, for cases without a describe function.
std::string DescribeInputs(const ProofResult& r);

// Replays a wrong variant's vector: it must pass on the model and on the shipping engine (so it
// tests what the architecture requires) and, when the case names a mutant, fail on
// impl-mutant-K (so it shows the same mistake). Returns "" when all three hold, else what did
// not, with the failing file:line.
std::string ReplayVector(const ProofCase& c, const std::string& vector_text);

}  // namespace smmuref::proofs
