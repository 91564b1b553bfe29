// Engine construction: profile, register file, and cache geometry from Options.
// Tests: tests/impl/arch/cache_test.cc, tests/conformance/device_test.cc
#include "smmuref/impl/arch/engine.h"

#include "smmuref/spec/error.h"

namespace smmuref::impl::arch {

Engine::Engine(const spec::Profile& p, const Options& o)
    : profile_(p), mutant_(o.mutant), regs_(profile_) {
  cfg_.Configure(o.ste_entries, o.ste_ways, o.cd_entries, o.cd_ways);
  tlb_.Configure(o.tlb_entries, o.tlb_ways);
  walks_.Configure(o.walk_entries, o.walk_ways);
  micro_.Configure(o.micro_entries);
#if !SMMUREF_MUTANTS
  // The shipping build has no mutation points (mutant.h): asking it for a mutant is a bug.
  if (o.mutant != 0) SMMUREF_UNREACHABLE("a mutant needs the smmuref_impl_arch_mutants build");
#endif
}

}  // namespace smmuref::impl::arch
