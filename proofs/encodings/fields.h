// Field extraction from the spec/fields tables as Z3 terms: the encodings read structures
// through these, so the proofs compare the engine's own layouts (impl/arch/layout.h) with the
// tables the model uses [spec/fields/README.md].
// Tests: proofs/cross/config_test.cc, proofs/equiv/layout.cc
#pragma once

#include <string>
#include <vector>

#include "../lib/bv.h"
#include "smmuref/spec/fields.h"

namespace smmuref::proofs {

// Field `f` of a structure given as doublewords, zero-extended (a field never crosses a
// doubleword: checked by tests/spec/fields_test.cc).
Bv FieldOf(const Bv* dwords, spec::Field f);
// The field as an address: its bits left in place (S1ContextPtr, S2TTB, TTBx, L2Ptr...).
Bv AddrOf(const Bv* dwords, spec::Field f);

// `n` free doublewords named NAME.dw0, NAME.dw1, ...
std::vector<Bv> Words(const std::string& name, unsigned n);

}  // namespace smmuref::proofs
