// Cross-checks of an encoding (Z3 terms) against the executable model on many concrete inputs:
// the encoding's outputs are named (a rule id, or a decoded field), the model side computes the
// same names, and the first disagreement names the output and prints every input. Inputs are
// drawn biased to boundaries: zero, one, all ones, all ones minus one, small values and the
// caller's boundary values per field. Every 2000th sample is also evaluated by Z3 itself and
// must agree with the tape evaluator (proofs/lib/eval.h).
// Tests: proofs/cross/*_test.cc
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proofs/lib/bv.h"
#include "proofs/lib/eval.h"
#include "smmuref/spec/fields.h"
#include "smmuref/spec/profile.h"

namespace smmuref::proofs::cross {

// A small deterministic generator (splitmix64).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next();
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  bool Chance(unsigned percent) { return Below(100) < percent; }
  // A value of `width` bits biased to boundaries, or one of `boundaries` when given.
  uint64_t Biased(unsigned width, const std::vector<uint64_t>& boundaries = {});

 private:
  uint64_t s_;
};

// A structure of `dwords` doublewords whose fields (a spec table) take biased values; some
// samples are uniform random words instead.
std::vector<uint64_t> BiasedStructure(Rng& rng, const spec::FieldTable& table);

// A profile: a named one (40%) or random values within the domain SymbolicProfile assumes.
spec::Profile RandomProfile(Rng& rng);

// Named encoding outputs checked against the model.
class CrossCheck {
 public:
  CrossCheck(std::vector<std::pair<std::string, z3::expr>> inputs,
             std::vector<std::pair<std::string, z3::expr>> outputs);
  size_t inputs() const { return input_names_.size(); }
  size_t Output(const std::string& name) const;  // index of a named output

  // Compares one sample; `expected[i]` empty means "not compared here". Returns "" when they
  // agree, else "NAME: encoding V, model W; inputs: ...".
  std::string Compare(const std::vector<uint64_t>& in,
                      const std::vector<std::optional<uint64_t>>& expected);
  uint64_t samples() const { return samples_; }

 private:
  std::vector<std::string> input_names_, output_names_;
  Evaluator eval_;
  uint64_t samples_ = 0;
};

inline constexpr uint64_t kSamples = 100000;

}  // namespace smmuref::proofs::cross
