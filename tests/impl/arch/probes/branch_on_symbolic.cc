// Build-fact probe (never part of the build): a kernel written with a branch on a U-derived
// condition, instantiated with the stand-in symbolic type. It must fail to compile (the
// stand-in's boolean has no conversion to bool), which is what keeps every kernel in
// kernels.h symbolic-safe (tests/impl/arch/kernels_test.cc instantiates them all). ctest:
// build-facts/*.
#include "../standin.h"

namespace {

template <typename U>
U BranchyMin(U a, U b) {
  if (a < b) return a;  // a branch on a U value
  return b;
}

}  // namespace

smmuref::standin::Word ProbeBranchyKernel(smmuref::standin::Word a, smmuref::standin::Word b) {
  return BranchyMin(a, b);
}
