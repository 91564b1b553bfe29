// Field access for the X-macro tables in spec/fields/*.def. Each row is
//   FIELD(NAME, MSB, LSB)
// with absolute bit positions in the little-endian structure (bit 64k+n is bit n of DWk).
// Only the model, the proofs and the conformance harness include the tables; impl/ never does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace smmuref::spec {

struct Field {
  const char* name;
  unsigned msb;
  unsigned lsb;
  constexpr unsigned width() const { return msb - lsb + 1; }
};

// Reads a field from a structure given as an array of 64-bit doublewords. A field never crosses a
// doubleword boundary in the tables used here (checked by spec tests).
constexpr uint64_t Get(const uint64_t* dw, Field f) {
  const uint64_t word = dw[f.lsb / 64];
  const unsigned lo = f.lsb % 64;
  const unsigned w = f.width();
  return w == 64 ? word : (word >> lo) & ((uint64_t{1} << w) - 1);
}

constexpr void Set(uint64_t* dw, Field f, uint64_t value) {
  uint64_t& word = dw[f.lsb / 64];
  const unsigned lo = f.lsb % 64;
  const unsigned w = f.width();
  const uint64_t mask = w == 64 ? ~uint64_t{0} : ((uint64_t{1} << w) - 1);
  word = (word & ~(mask << lo)) | ((value & mask) << lo);
}

// Table of all rows of one .def, for decoders such as `smmuref explain`.
struct FieldTable {
  const char* structure;
  const Field* fields;
  size_t count;
  unsigned dwords;
};

}  // namespace smmuref::spec

// Declares `constexpr Field NAME` for every row of a table inside the current namespace:
//   namespace ste { SMMUREF_FIELDS("spec/fields/ste.def") }   -- use the macro below instead.
#define SMMUREF_DECLARE_FIELD(NAME, MSB, LSB) \
  inline constexpr ::smmuref::spec::Field NAME{#NAME, MSB, LSB};
