// Full-width proofs of the generic kernels of impl's kernels.h (selection, masks, extraction)
// against the bit-vector operations they stand for, with a wrong variant each where a mutant
// or an easy slip exists. The walk, permission, queue and TLB kernels are proved against the
// model's encodings in walk.cc, perm.cc, queue.cc and tlbi.cc.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/equiv/registry.h"
#include "smmuref/impl/arch/kernels.h"

namespace smmuref::proofs {

namespace ia = impl::arch;

namespace {

// x[msb:lsb] for symbolic msb/lsb, in one shift (in bit-vector arithmetic a shift by the
// width gives zero, so a 64-bit field's mask is 0 - 1): the meaning of ExtractBits, written
// differently from the kernel's split shift.
Bv ExtractSpec(const Bv& x, const Bv& msb, const Bv& lsb) {
  return (x >> lsb) & ((Bv(1) << (msb - lsb + Bv(1))) - Bv(1));
}

ProofCase Kernel(const std::string& id, const std::string& width,
               std::function<ProofResult(const std::string&, const ProveOptions&)> f) {
  return {id, width, [id, f](const ProveOptions& o) { return f(id, o); }};
}

ProofCase Wrong(ProofCase c) {
  c.wrong = true;
  c.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  return c;
}

}  // namespace

void AddKernelProofs(std::vector<ProofCase>* out) {
  // The integer Select (the branch-free formula the engine runs, instantiated with the
  // condition as a 0/1 bit-vector) and MaskIf/Min/Max on top of it.
  out->push_back(Kernel("kernels/select", "full width: a, b 64-bit free, condition 0 or 1",
                      [](const std::string& id, const ProveOptions& o) {
    const Bv c = Bv::Var("c"), a = Bv::Var("a"), b = Bv::Var("b");
    const Bool cond = c != Bv(0);
    return Prove(id, ia::Select<Bv, Bv>(c, a, b) == Select(cond, a, b) &&
                         ia::MaskIf<Bv>(c) == Select(cond, ~Bv(0), Bv(0)) &&
                         ia::Min<Bv>(a, b) == Select(a <= b, a, b) &&
                         ia::Max<Bv>(a, b) == Select(a >= b, a, b),
                 {{"bool: a condition is 0 or 1", c <= Bv(1)}}, o);
  }));
  out->push_back(Wrong(Kernel("kernels/select/wrong", "full width; Select as b ^ (a & -c)",
                            [](const std::string& id, const ProveOptions& o) {
    const Bv c = Bv::Var("c"), a = Bv::Var("a"), b = Bv::Var("b");
    return Prove(id, (b ^ (a & (Bv(0) - c))) == Select(c != Bv(0), a, b),
                 {{"bool: a condition is 0 or 1", c <= Bv(1)}}, o);
  })));
  out->push_back(Kernel("kernels/lowmask", "full width: every n (all ones from 64 on)",
                      [](const std::string& id, const ProveOptions& o) {
    const Bv n = Bv::Var("n");
    // bits [n-1:0]: bit i set exactly when i < n, for every 64-bit n (a width that wrapped
    // below zero included: it gives all ones and never an undefined shift).
    Bool ok = true;
    const Bv m = ia::LowMask<Bv>(n);
    for (unsigned i = 0; i < 64; ++i) ok = ok && ((((m >> Bv(i)) & Bv(1)) == Bv(1)) == (Bv(i) < n));
    return Prove(id, ok, {}, o);
  }));
  out->push_back(Wrong(Kernel("kernels/lowmask/wrong", "full width; bits [n:0] instead of [n-1:0]",
                            [](const std::string& id, const ProveOptions& o) {
    const Bv n = Bv::Var("n");
    return Prove(id, ia::LowMask<Bv>(n + Bv(1)) == (Bv(1) << n) - Bv(1),
                 {{"kernel contract: 0 <= n <= 64", n <= Bv(64)}}, o);
  })));
  out->push_back(Kernel("kernels/extract", "full width: word 64-bit, 0 <= lsb <= msb <= 63",
                      [](const std::string& id, const ProveOptions& o) {
    const Bv x = Bv::Var("word"), msb = Bv::Var("msb"), lsb = Bv::Var("lsb");
    return Prove(id, ia::ExtractBits<Bv>(x, msb, lsb) == ExtractSpec(x, msb, lsb),
                 {{"kernel contract: lsb <= msb <= 63", lsb <= msb && msb <= Bv(63)}}, o);
  }));
  out->push_back(Kernel("kernels/fieldget", "full width: word 64-bit, every contiguous constant mask",
                      [](const std::string& id, const ProveOptions& o) {
    const Bv x = Bv::Var("word"), v = Bv::Var("value");
    Bool ok = true;
    for (unsigned lsb = 0; lsb < 64; lsb += 7) {
      for (unsigned msb = lsb; msb < 64; msb += 5) {
        const uint64_t mask = impl::arch::layout::GenMask(msb, lsb);
        ok = ok && ia::FieldGet<Bv>(x, mask) == Bits(x, msb, lsb) &&
             ia::FieldGet<Bv>(ia::FieldPrep<Bv>(mask, v), mask) == Bits(v, msb - lsb, 0);
      }
    }
    return Prove(id, ok, {}, o);
  }));
  out->push_back(Kernel("kernels/exceeds", "full width: addr 64-bit, bits in [0, 64]",
                      [](const std::string& id, const ProveOptions& o) {
    const Bv a = Bv::Var("addr"), n = Bv::Var("bits");
    return Prove(id, ia::ExceedsBits<Bv>(a, n) == (a >= (Bv(1) << n) && n < Bv(64)),
                 {{"kernel contract: 0 <= bits <= 64", n <= Bv(64)}}, o);
  }));
}

}  // namespace smmuref::proofs
