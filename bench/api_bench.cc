// IOMMU API throughput of the fast core (impl::api::System) against the model
// (model::api::System) in the same run [issue 13, items 1 and 8]:
//   pasid/P-packed:    one global PASID allocation (lowest free) and its free, with the first
//                      P% of a 20-bit space allocated (the state a lowest-first allocator
//                      reaches), P = 10 and 90;
//   pasid/90-scattered: the same with 90% of the space allocated at random (gaps everywhere);
//   map4k/single:      map one 4K page and unmap it, on a domain that holds 4096 other pages;
//   map4k/run512:      map 512 4K pages in one call (PA not 2M-aligned, so no block) and unmap
//                      them in one call; one iteration is 512 pages;
//   iova_to_phys:      lookups at random among 65536 mapped 4K pages.
// Both systems are prefilled with proposed PASIDs (the model's own lowest-free search is linear
// in the allocated PASIDs, so prefilling it by allocation would take hours at 90%). One
// iteration is one operation pair (or one page for run512, via items processed); the table
// after the run gives impl ns, model ns and model/impl per item. Timings never decide a test.
// Usage: ./smmuref bench api [--benchmark_filter=REGEX] [other Google Benchmark flags]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <random>
#include <string>

#include "smmuref/impl/api/system.h"
#include "smmuref/model/api/system.h"

namespace smmuref::bench {
namespace {

namespace sa = spec::api;
constexpr uint32_t kSpace = uint32_t{1} << 20;

// One instance (4K|2M|1G, 20 PASID bits), one device with 20 PASID bits, one paging domain.
template <typename System>
struct Setup {
  System sys;
  uint32_t dev = 0, dom = 0;
  Setup() {
    sa::InstanceCaps caps;
    const uint32_t inst = sys.RegisterInstance(caps).value;
    sa::DeviceDesc d;
    d.instance = inst;
    d.sids = {1};
    d.pasid_bits = 20;
    dev = sys.ProbeDevice(d).value;
    dom = sys.AllocPagingDomain(dev).value;
  }
};

template <typename System>
void BM_Pasid(benchmark::State& state, int percent, bool scattered) {
  Setup<System> s;
  const uint32_t target = static_cast<uint32_t>(uint64_t{kSpace} * percent / 100);
  std::mt19937 rng(1);
  for (uint32_t p = 1, taken = 0; taken < target && p < kSpace; ++p) {
    if (scattered && rng() % 10 >= static_cast<uint32_t>(percent / 10)) continue;
    if (s.sys.AllocGlobalPasid(s.dev, p).ok()) ++taken;
  }
  for (auto _ : state) {
    const auto r = s.sys.AllocGlobalPasid(s.dev, std::nullopt);
    if (!r.ok()) {
      state.SkipWithError("allocation failed");
      break;
    }
    s.sys.FreeGlobalPasid(r.value);
  }
  state.SetItemsProcessed(state.iterations());
}

template <typename System>
void BM_MapSingle(benchmark::State& state) {
  Setup<System> s;
  for (uint64_t i = 0; i < 4096; ++i) {
    s.sys.Map(s.dom, 0x40000000 + i * 0x1000, 0x80001000 + i * 0x2000, 0x1000, sa::kProtRead);
  }
  uint64_t i = 0;
  for (auto _ : state) {
    const uint64_t iova = (i++ & 4095) * 0x1000;
    if (s.sys.Map(s.dom, iova, 0x100000000 + iova, 0x1000, sa::kProtRead | sa::kProtWrite) !=
        sa::Errno::kOk) {
      state.SkipWithError("map failed");
      break;
    }
    benchmark::DoNotOptimize(s.sys.Unmap(s.dom, iova, 0x1000));
  }
  state.SetItemsProcessed(state.iterations());
}

template <typename System>
void BM_MapRun(benchmark::State& state) {
  Setup<System> s;
  for (auto _ : state) {
    if (s.sys.Map(s.dom, 0x200000, 0x1001000, 0x200000, sa::kProtRead) != sa::Errno::kOk) {
      state.SkipWithError("map failed");
      break;
    }
    benchmark::DoNotOptimize(s.sys.Unmap(s.dom, 0x200000, 0x200000));
  }
  state.SetItemsProcessed(state.iterations() * 512);
}

template <typename System>
void BM_IovaToPhys(benchmark::State& state) {
  Setup<System> s;
  constexpr uint64_t kPages = 65536;
  // Every other page of PA, so the run structure of impl cannot merge them into one leaf run.
  for (uint64_t i = 0; i < kPages; ++i) {
    s.sys.Map(s.dom, i * 0x1000, 0x80000000 + i * 0x2000, 0x1000, sa::kProtRead);
  }
  std::mt19937_64 rng(3);
  std::vector<uint64_t> probes(4096);
  for (auto& p : probes) p = (rng() % kPages) * 0x1000 + 0x10;
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(s.sys.IovaToPhys(s.dom, probes[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Color : OO_None) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const std::string& full = r.run_name.function_name;
      const size_t slash = full.rfind('/');
      const auto items = r.counters.find("items_per_second");
      if (items == r.counters.end() || items->second.value <= 0) continue;
      Row& row = rows_[full.substr(0, slash)];
      (full.substr(slash + 1) == "impl" ? row.impl : row.model) = 1e9 / items->second.value;
    }
  }
  void PrintTable(std::ostream& os) const {
    if (rows_.empty()) return;
    char line[160];
    os << "\nns per item (PASID alloc+free, 4K page map+unmap, lookup), this run\n";
    std::snprintf(line, sizeof line, "%-20s %10s %12s %11s\n", "workload", "impl ns", "model ns",
                  "model/impl");
    os << line;
    for (const auto& [name, row] : rows_) {
      const double ratio = row.impl > 0 && row.model > 0 ? row.model / row.impl : 0;
      std::snprintf(line, sizeof line, "%-20s %10.1f %12.1f %10.1fx\n", name.c_str(), row.impl,
                    row.model, ratio);
      os << line;
    }
    os << "target (issue 13): model/impl >= 20x on pasid/90-packed\n";
    auto it = rows_.find("pasid/90-packed");
    if (it != rows_.end() && it->second.model > 0 && it->second.model / it->second.impl < 20) {
      os << "  missed: pasid/90-packed\n";
    }
  }

 private:
  struct Row {
    double impl = 0, model = 0;
  };
  std::map<std::string, Row> rows_;
};

template <typename System>
void RegisterFor(const char* who) {
  const std::string w = who;
  benchmark::RegisterBenchmark(("pasid/10-packed/" + w).c_str(), BM_Pasid<System>, 10, false);
  benchmark::RegisterBenchmark(("pasid/90-packed/" + w).c_str(), BM_Pasid<System>, 90, false);
  benchmark::RegisterBenchmark(("pasid/90-scattered/" + w).c_str(), BM_Pasid<System>, 90, true);
  benchmark::RegisterBenchmark(("map4k/single/" + w).c_str(), BM_MapSingle<System>);
  benchmark::RegisterBenchmark(("map4k/run512/" + w).c_str(), BM_MapRun<System>);
  benchmark::RegisterBenchmark(("iova_to_phys/" + w).c_str(), BM_IovaToPhys<System>);
}

}  // namespace
}  // namespace smmuref::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  smmuref::bench::RegisterFor<smmuref::impl::api::System>("impl");
  smmuref::bench::RegisterFor<smmuref::model::api::System>("model");
  smmuref::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintTable(std::cout);
  benchmark::Shutdown();
  return 0;
}
