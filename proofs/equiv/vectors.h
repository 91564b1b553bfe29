// Counterexamples as named fields and as vector files (spec/vector-format.md): a witness of a
// proof or query over structure words is printed as `smmuref explain` prints the structure, and
// a vector replays the situation on any device so the mistake the wrong variant makes is
// observable.
// Tests: tests/proofs/equiv_main.cc
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proofs/lib/prove.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs {

// The doublewords PREFIX.dw0 .. PREFIX.dw(N-1) of a witness (0 where unconstrained).
std::vector<uint64_t> WitnessWords(const ProofResult& r, const std::string& prefix, unsigned n);

// The profile of a witness: the named one, or for "symbolic" the values profile.FIELD.
spec::Profile WitnessProfile(const ProofResult& r, const std::string& profile);

// `kind` (ste, cd, ...) as `smmuref explain` prints it, from the witness words, then any other
// inputs of the witness.
std::string ExplainWitness(const std::string& kind, const ProofResult& r,
                           const std::string& prefix, unsigned dwords, const std::string& profile);

// The vector header that sets up a linear stream table at 0x100000 with 2^log2 STEs and a
// 16-record event queue at 0x200000, under `profile` (with overrides for a symbolic profile).
std::string VectorPrologue(const std::string& title, const spec::Profile& p, unsigned log2_sids);

// A vector that places the witness STE at StreamID 0 and expects the model's verdict on it
// (C_BAD_STE for an illegal or invalid STE).
std::string SteVector(const ProofResult& r, const std::string& profile);

}  // namespace smmuref::proofs
