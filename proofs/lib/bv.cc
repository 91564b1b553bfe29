// The Z3 context and constant-position extraction for proofs/lib/bv.h.
// Tests: tests/proofs/lib_test.cc
#include "bv.h"

namespace smmuref::proofs {

z3::context& Z3() {
  static z3::context* ctx = new z3::context();  // never destroyed: terms outlive static dtors
  return *ctx;
}

Bv Bits(const Bv& word, unsigned msb, unsigned lsb) {
  const z3::expr f = word.expr().extract(msb, lsb);
  const unsigned width = msb - lsb + 1;
  return width == Bv::kWidth ? Bv(f) : Bv(z3::zext(f, Bv::kWidth - width));
}

}  // namespace smmuref::proofs
