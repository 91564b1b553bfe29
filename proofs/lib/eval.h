// Fast concrete evaluation of Z3 terms, for the cross-checks of the encodings against the
// executable model (proofs/cross/): the terms an encoding builds are compiled once into a tape
// of bit-vector and boolean operations over uint64_t, then run on many concrete inputs at
// about a microsecond each (Z3's own model evaluation costs about a millisecond on these
// terms). The tape implements the SMT-LIB semantics of the operations the encodings use
// (bvudiv by zero is all ones, bvurem by zero the dividend, shifts by the width or more give
// zero); every cross-check also evaluates a sample of its inputs with Z3 itself and requires
// the same answer, so the tape cannot drift from Z3. An operation outside that set aborts with
// its name.
// Tests: tests/proofs/lib_test.cc, proofs/cross/*_test.cc
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "bv.h"

namespace smmuref::proofs {

class Evaluator {
 public:
  // `inputs`: the free constants (bit-vectors of at most 64 bits, or booleans); `outputs`: the
  // terms to compute.
  Evaluator(const std::vector<z3::expr>& inputs, const std::vector<z3::expr>& outputs);

  // Values of the inputs in order (booleans as 0/1); returns the outputs in order.
  const std::vector<uint64_t>& Run(const std::vector<uint64_t>& in);

  // The same through Z3's model evaluation (slow; the reference the tape is checked against).
  std::vector<uint64_t> RunWithZ3(const std::vector<uint64_t>& in) const;

 private:
  struct Node {
    int op;
    unsigned width;  // 0 for booleans
    uint64_t value;  // numerals; extract: low bit
    unsigned hi;     // extract: high bit
    std::vector<int> args;
  };
  int Compile(const z3::expr& e);

  std::vector<z3::expr> inputs_, outputs_;
  std::vector<Node> nodes_;
  std::vector<int> input_nodes_, output_nodes_;
  std::vector<uint64_t> values_, results_;
  std::unordered_map<unsigned, int> memo_;  // ast id -> node
};

}  // namespace smmuref::proofs
