// The symbolic integer type the engine's kernels (impl/arch kernels.h, config_kernels.h)
// instantiate with, so that a proof covers the source that ships. `Bv` is a 64-bit Z3
// bit-vector whose operators are the UNSIGNED bit-vector operations (z3++'s own `<`, `/`, `%`
// and `>>` on bit-vectors are signed: here they are bvult, bvudiv, bvurem and bvlshr); its
// comparisons yield `Bool`, which has no conversion to `bool`, so a kernel that branches on a
// symbolic value does not compile. `Select` is an if-then-else term, found by argument-dependent
// lookup ahead of the integer Select of kernels.h. Only proofs/ includes z3++.h.
// Tests: tests/proofs/lib_test.cc
#pragma once

#include <z3++.h>

#include <cstdint>
#include <string>

namespace smmuref::proofs {

// The one Z3 context of the process (proofs and queries are single-threaded).
z3::context& Z3();

class Bool {
 public:
  explicit Bool(z3::expr e) : e_(std::move(e)) {}
  Bool(bool b) : e_(Z3().bool_val(b)) {}  // NOLINT: constants, as `true` in an encoding
  static Bool Var(const std::string& name) { return Bool(Z3().bool_const(name.c_str())); }
  const z3::expr& expr() const { return e_; }
  explicit operator bool() const = delete;  // a branch on a symbolic condition

  friend Bool operator&&(const Bool& a, const Bool& b) { return Bool(a.e_ && b.e_); }
  friend Bool operator||(const Bool& a, const Bool& b) { return Bool(a.e_ || b.e_); }
  friend Bool operator!(const Bool& a) { return Bool(!a.e_); }
  friend Bool operator==(const Bool& a, const Bool& b) { return Bool(a.e_ == b.e_); }
  friend Bool operator!=(const Bool& a, const Bool& b) { return Bool(a.e_ != b.e_); }

 private:
  z3::expr e_;
};

class Bv {
 public:
  static constexpr unsigned kWidth = 64;
  Bv() : e_(Z3().bv_val(0, kWidth)) {}
  Bv(uint64_t v) : e_(Z3().bv_val(v, kWidth)) {}  // NOLINT: constants, as U(1) in a kernel
  explicit Bv(z3::expr e) : e_(std::move(e)) {}
  static Bv Var(const std::string& name) { return Bv(Z3().bv_const(name.c_str(), kWidth)); }
  const z3::expr& expr() const { return e_; }

  friend Bv operator+(const Bv& a, const Bv& b) { return Bv(a.e_ + b.e_); }
  friend Bv operator-(const Bv& a, const Bv& b) { return Bv(a.e_ - b.e_); }
  friend Bv operator*(const Bv& a, const Bv& b) { return Bv(a.e_ * b.e_); }
  friend Bv operator/(const Bv& a, const Bv& b) { return Bv(z3::udiv(a.e_, b.e_)); }
  friend Bv operator%(const Bv& a, const Bv& b) { return Bv(z3::urem(a.e_, b.e_)); }
  friend Bv operator&(const Bv& a, const Bv& b) { return Bv(a.e_ & b.e_); }
  friend Bv operator|(const Bv& a, const Bv& b) { return Bv(a.e_ | b.e_); }
  friend Bv operator^(const Bv& a, const Bv& b) { return Bv(a.e_ ^ b.e_); }
  friend Bv operator~(const Bv& a) { return Bv(~a.e_); }
  friend Bv operator<<(const Bv& a, const Bv& b) { return Bv(z3::shl(a.e_, b.e_)); }
  friend Bv operator>>(const Bv& a, const Bv& b) { return Bv(z3::lshr(a.e_, b.e_)); }
  Bv& operator+=(const Bv& b) { return *this = *this + b; }
  Bv& operator-=(const Bv& b) { return *this = *this - b; }
  Bv& operator&=(const Bv& b) { return *this = *this & b; }
  Bv& operator|=(const Bv& b) { return *this = *this | b; }
  Bv& operator^=(const Bv& b) { return *this = *this ^ b; }
  Bv& operator<<=(const Bv& b) { return *this = *this << b; }
  Bv& operator>>=(const Bv& b) { return *this = *this >> b; }

  friend Bool operator==(const Bv& a, const Bv& b) { return Bool(a.e_ == b.e_); }
  friend Bool operator!=(const Bv& a, const Bv& b) { return Bool(a.e_ != b.e_); }
  friend Bool operator<(const Bv& a, const Bv& b) { return Bool(z3::ult(a.e_, b.e_)); }
  friend Bool operator<=(const Bv& a, const Bv& b) { return Bool(z3::ule(a.e_, b.e_)); }
  friend Bool operator>(const Bv& a, const Bv& b) { return Bool(z3::ugt(a.e_, b.e_)); }
  friend Bool operator>=(const Bv& a, const Bv& b) { return Bool(z3::uge(a.e_, b.e_)); }

 private:
  z3::expr e_;
};

inline Bv Select(const Bool& c, const Bv& a, const Bv& b) {
  return Bv(z3::ite(c.expr(), a.expr(), b.expr()));
}
inline Bool Select(const Bool& c, const Bool& a, const Bool& b) {
  return Bool(z3::ite(c.expr(), a.expr(), b.expr()));
}
inline Bool Implies(const Bool& a, const Bool& b) { return Bool(z3::implies(a.expr(), b.expr())); }

// word[msb:lsb] as a zero-extended Bv (a constant-position extract, for the encodings).
Bv Bits(const Bv& word, unsigned msb, unsigned lsb);

// A boolean as 0/1.
inline Bv Flag(const Bool& b) { return Select(b, Bv(1), Bv(0)); }

}  // namespace smmuref::proofs
