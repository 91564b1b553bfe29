// The cost of the model's allowed-set computation as un-invalidated updates accumulate
// (R-CACHE-001..005, R-CACHE-009): k stores to a translation descriptor after SMMUEN=1 without a
// TLBI give k+1 candidate values for that read; stores to every level of a 4-level walk multiply.
// Reported as time per Translate and the number of walks (runs) it took, from one run.
#include <benchmark/benchmark.h>

#include "smmuref/model/arch/smmu.h"

namespace {

using smmuref::model::arch::Smmu;
using smmuref::spec::Reg;

constexpr uint64_t kStrtab = 0x100000;
constexpr uint64_t kCdDw0 = 0x16205c0000010ull;  // T0SZ=16 (4KB, start level 0) EPD1 V IPS AA64 R A

// SID 3 maps VA 0x1000 through four levels; then `k` stores to the leaf (levels=1) or to every
// level (levels=4), each a valid descriptor, with no invalidation.
void Setup(Smmu& s, int k, int levels) {
  auto& m = s.memory();
  m.Write64(kStrtab + 3 * 64, 0x30000b);
  m.Write64(0x300000, kCdDw0);
  m.Write64(0x300008, 0x400000);
  m.Write64(0x400000, 0x401003);
  m.Write64(0x401000, 0x402003);
  m.Write64(0x402000, 0x403003);
  m.Write64(0x403008, 0x800403);
  s.WriteReg(Reg::STRTAB_BASE, kStrtab);
  s.WriteReg(Reg::STRTAB_BASE_CFG, 4);
  s.WriteReg(Reg::CR0, 0x1);
  const uint64_t slots[4] = {0x403008, 0x402000, 0x401000, 0x400000};
  const uint64_t vals[4] = {0x800403, 0x403003, 0x402003, 0x401003};
  for (int i = 1; i <= k; ++i) {
    for (int l = 0; l < levels; ++l) m.Write64(slots[l], vals[l] | (static_cast<uint64_t>(i) << 55));  // ignored bits
  }
}

void BM_ModelStaleUpdates(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  const int levels = static_cast<int>(state.range(1));
  auto p = smmuref::spec::LoadProfile("full");
  Smmu s(*p);
  Setup(s, k, levels);
  smmuref::spec::Txn t;
  t.sid = 3;
  t.addr = 0x1234;
  t.priv = true;
  size_t outcomes = 0;
  bool bounded = false;
  for (auto _ : state) {
    auto r = s.Translate(t);
    bounded = !r.ok();
    outcomes = r.ok() ? r->size() : 0;
    benchmark::DoNotOptimize(outcomes);
  }
  state.counters["walks"] = levels == 1 ? k + 1 : (k + 1) * (k + 1) * (k + 1) * (k + 1);
  state.counters["outcomes"] = static_cast<double>(outcomes);
  state.counters["bound_error"] = bounded;
}

BENCHMARK(BM_ModelStaleUpdates)
    ->ArgsProduct({{0, 1, 2, 4, 8, 16, 32}, {1}})
    ->ArgsProduct({{0, 1, 2, 4, 6, 7, 8}, {4}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
