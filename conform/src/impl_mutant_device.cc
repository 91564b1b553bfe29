// The impl-mutant-K devices: the engine's mutant build (smmuref_impl_arch_mutants), whose
// mutation points are live (impl/include/smmuref/impl/arch/mutant.h). conform/CMakeLists.txt
// compiles this one file with SMMUREF_MUTANTS=1, so the engine headers declare the mutant
// build's types here and the shipping build's everywhere else.
// Tests: tests/CMakeLists.txt (mutants/impl-mutant-K must fail `smmuref check`)
#if !SMMUREF_MUTANTS
#error "impl_mutant_device.cc must be compiled with SMMUREF_MUTANTS=1"
#endif
#include <memory>

#include "impl_device.h"
#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::conform {

std::unique_ptr<Device> MakeImplMutantDevice(const spec::Profile& p, int mutant) {
  for (const auto& [id, what] : ImplMutants()) {
    if (id == mutant) return std::make_unique<ImplDeviceT<impl::arch::mutants::Engine>>(p, mutant);
  }
  return nullptr;
}

std::vector<std::pair<int, std::string>> ImplMutants() {
  std::vector<std::pair<int, std::string>> out;
  int n = 0;
  const impl::arch::MutantInfo* m = impl::arch::Mutants(&n);
  for (int i = 0; i < n; ++i) out.emplace_back(m[i].id, m[i].description);
  return out;
}

}  // namespace smmuref::conform
