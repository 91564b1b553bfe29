// Field extraction from spec/fields tables as Z3 terms (fields.h).
// Tests: proofs/cross/config_test.cc
#include "fields.h"

namespace smmuref::proofs {

Bv FieldOf(const Bv* dwords, spec::Field f) {
  return Bits(dwords[f.lsb / 64], f.msb % 64, f.lsb % 64);
}

Bv AddrOf(const Bv* dwords, spec::Field f) { return FieldOf(dwords, f) << Bv(f.lsb % 64); }

std::vector<Bv> Words(const std::string& name, unsigned n) {
  std::vector<Bv> w;
  for (unsigned i = 0; i < n; ++i) w.push_back(Bv::Var(name + ".dw" + std::to_string(i)));
  return w;
}

}  // namespace smmuref::proofs
