// Built-in device "impl": the shipping engine (smmuref_impl_arch, no mutation points). The
// impl-mutant-K devices come from the mutant build (impl_mutant_device.cc).
// Tests: tests/conformance/device_test.cc, corpus/vectors/** (ctest vectors/impl/*)
#include "impl_device.h"

#include <memory>

#include "smmuref/impl/arch/engine.h"

namespace smmuref::conform {

std::unique_ptr<Device> MakeImplDevice(const spec::Profile& p, int mutant) {
  if (mutant != 0) return MakeImplMutantDevice(p, mutant);
  return std::make_unique<ImplDeviceT<impl::arch::Engine>>(p, 0);
}

#if !SMMUREF_HAVE_MUTANTS
// Configured with SMMUREF_MUTANTS=OFF: no mutant build, no impl-mutant-K devices.
std::unique_ptr<Device> MakeImplMutantDevice(const spec::Profile&, int) { return nullptr; }
std::vector<std::pair<int, std::string>> ImplMutants() { return {}; }
#endif

}  // namespace smmuref::conform
