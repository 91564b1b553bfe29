// A stand-in for a symbolic bit-vector type, for compile-only checks that the engine's kernels
// (kernels.h, config_kernels.h) never branch on a `U` value. `Word` has every operator the
// kernels may use; its comparisons yield `Bool`, whose conversion to `bool` is deleted, so an
// `if`, `?:`, `while` or short-circuit test on a Word-derived condition fails to compile, and so
// does indexing a table with a Word or casting one to an integer. The real symbolic type
// (proofs/lib/bv.h) has the same shape; this one needs no Z3, so impl's own tests hold the
// line. The operators compute nothing: instantiating a kernel is the test.
// Tests: tests/impl/arch/kernels_test.cc (SymbolicSafe), tests/impl/arch/probes.cmake
#pragma once

#include <cstdint>

namespace smmuref::standin {

struct Bool {
  explicit operator bool() const = delete;  // the point of the stand-in
};
inline Bool operator&&(Bool, Bool) { return {}; }
inline Bool operator||(Bool, Bool) { return {}; }
inline Bool operator!(Bool) { return {}; }
inline Bool operator==(Bool, Bool) { return {}; }
inline Bool operator!=(Bool, Bool) { return {}; }

struct Word {
  Word() = default;
  Word(uint64_t) {}  // constants, as U(1) in a kernel
  Word& operator+=(Word) { return *this; }
  Word& operator-=(Word) { return *this; }
  Word& operator&=(Word) { return *this; }
  Word& operator|=(Word) { return *this; }
  Word& operator^=(Word) { return *this; }
  Word& operator<<=(Word) { return *this; }
  Word& operator>>=(Word) { return *this; }
};
#define SMMUREF_STANDIN_OP(op) \
  inline Word operator op(Word, Word) { return {}; }
SMMUREF_STANDIN_OP(+)
SMMUREF_STANDIN_OP(-)
SMMUREF_STANDIN_OP(*)
SMMUREF_STANDIN_OP(/)
SMMUREF_STANDIN_OP(%)
SMMUREF_STANDIN_OP(&)
SMMUREF_STANDIN_OP(|)
SMMUREF_STANDIN_OP(^)
SMMUREF_STANDIN_OP(<<)
SMMUREF_STANDIN_OP(>>)
#undef SMMUREF_STANDIN_OP
inline Word operator~(Word) { return {}; }
#define SMMUREF_STANDIN_CMP(op) \
  inline Bool operator op(Word, Word) { return {}; }
SMMUREF_STANDIN_CMP(==)
SMMUREF_STANDIN_CMP(!=)
SMMUREF_STANDIN_CMP(<)
SMMUREF_STANDIN_CMP(<=)
SMMUREF_STANDIN_CMP(>)
SMMUREF_STANDIN_CMP(>=)
#undef SMMUREF_STANDIN_CMP

// The symbolic select (an if-then-else term in the real type), found by argument-dependent
// lookup ahead of the integer Select template in kernels.h.
inline Word Select(Bool, Word, Word) { return {}; }

}  // namespace smmuref::standin
