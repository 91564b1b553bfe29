// The driver's page-table code (impl/driver/io_pgtable.h) against the API model's abstract page
// table (model/api/pgtable.h) in the same run [issue 13, item 8]:
//   map4k:         map_pages of one 4K page at sequential IOVAs (a fresh table every 2^18
//                  pages, its cost included);
//   unmap4k:       unmap_pages of one 4K page at sequential IOVAs of a table mapped beforehand
//                  (outside the timing);
//   map4k/run512:  one map_pages call for 512 4K pages (a whole level-3 table), items = pages;
//   unmap4k/run512: one unmap_pages call for 512 4K pages, items = pages;
//   iova_to_phys:  sequential lookups over 65536 mapped 4K pages.
// The driver stores through spec::Bus into a flat array standing for memory (no SMMU behind
// it, no invalidation: this is the page-table code alone, as io-pgtable-arm is measured in
// userspace). The table after the run gives driver ns, model ns and model/driver per page.
// Timings never decide a test.
// Usage: ./smmuref bench driver [--benchmark_filter=REGEX] [other Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "smmuref/impl/driver/io_pgtable.h"
#include "smmuref/impl/driver/memory.h"
#include "smmuref/model/api/pgtable.h"
#include "smmuref/model/api/system.h"

namespace smmuref::bench {
namespace {

namespace sa = spec::api;
namespace drv = impl::driver;

constexpr uint64_t kBase = 0x4000'0000, kSize = uint64_t{1} << 26;  // 64 MB of table memory
constexpr uint64_t kPa = 0x1'0000'0000;
constexpr uint64_t kPage = 0x1000;

// Memory as a flat array over the driver's range; nothing else is ever addressed.
class FlatBus : public spec::Bus {
 public:
  FlatBus() : words_(kSize / 8, 0) {}
  void MemWrite64(uint64_t pa, uint64_t v) override { words_[(pa - kBase) >> 3] = v; }
  uint64_t MemRead64(uint64_t pa) override { return words_[(pa - kBase) >> 3]; }
  void MemClean(uint64_t, uint64_t) override {}
  uint64_t RegRead(spec::Reg) override { return 0; }
  void RegWrite(spec::Reg, uint64_t) override {}
  void RegWrite32(spec::Reg, bool, uint32_t) override {}
  void ProcessCommands() override {}

 private:
  std::vector<uint64_t> words_;
};

drv::PgtableFormat Format() {
  drv::PgtableFormat f;
  f.stage = 1;
  f.granule_shift = 12;
  f.ias = 48;
  f.oas = 48;
  f.pgsize_bitmap = 0x40201000;
  return f;
}

struct Driver {
  FlatBus bus;
  drv::TableMemory mem{bus, kBase, kSize, true};
  std::optional<drv::IoPgtable> pgt = drv::IoPgtable::Create(mem, Format());
  void Fresh() {
    pgt->Destroy();
    pgt = drv::IoPgtable::Create(mem, Format());
  }
  bool Map(uint64_t iova, uint64_t count) {
    return pgt->MapPages(iova, kPa + iova, kPage, count, sa::kProtRead | sa::kProtWrite, nullptr)
               .bytes == kPage * count;
  }
  bool Unmap(uint64_t iova, uint64_t count) {
    drv::Gather g;
    const bool ok = pgt->UnmapPages(iova, kPage, count, &g).bytes == kPage * count;
    pgt->ReleaseTables();
    return ok;
  }
  std::optional<uint64_t> Lookup(uint64_t iova) { return pgt->IovaToPhys(iova); }
};

// The model's page table of one paging domain, built as the API model builds one (one 4K|2M|1G
// instance, a device, a domain allocated for it), then driven through MapPages/UnmapPages.
model::api::Domain ModelDomain() {
  model::api::System s;
  const uint32_t inst = s.RegisterInstance(sa::InstanceCaps{}).value;
  sa::DeviceDesc d;
  d.instance = inst;
  d.sids = {1};
  const uint32_t dev = s.ProbeDevice(d).value;
  return *s.FindDomain(s.AllocPagingDomain(dev).value);
}

struct Model {
  model::api::Domain dom = ModelDomain();
  void Fresh() { dom = ModelDomain(); }
  model::api::Domain& D() { return dom; }
  bool Map(uint64_t iova, uint64_t count) {
    return model::api::MapPages(D(), iova, kPa + iova, kPage, count,
                                sa::kProtRead | sa::kProtWrite)
               .bytes == kPage * count;
  }
  bool Unmap(uint64_t iova, uint64_t count) {
    return model::api::UnmapPages(D(), iova, kPage, count, sa::PartialUnmap::kSplit).bytes ==
           kPage * count;
  }
  std::optional<uint64_t> Lookup(uint64_t iova) {
    auto it = model::api::CoveringLeaf(D(), iova);
    if (it == D().leaves.end()) return std::nullopt;
    return it->second.pa + (iova - it->first);
  }
};

constexpr uint64_t kFreshEvery = uint64_t{1} << 18;  // pages per table before starting over

// kCount pages per map_pages call at sequential IOVAs (a fresh table every kFreshEvery pages,
// its cost included); items = pages.
template <typename T, uint64_t kCount>
void BM_Map(benchmark::State& state) {
  auto t = std::make_unique<T>();
  uint64_t i = 0;
  for (auto _ : state) {
    if (i == kFreshEvery) {
      t->Fresh();
      i = 0;
    }
    if (!t->Map(i * kPage, kCount)) state.SkipWithError("map failed");
    i += kCount;
  }
  state.SetItemsProcessed(state.iterations() * kCount);
}

// kCount pages per unmap_pages call at sequential IOVAs of a table mapped beforehand (outside
// the timing); items = pages.
template <typename T, uint64_t kCount>
void BM_Unmap(benchmark::State& state) {
  auto t = std::make_unique<T>();
  uint64_t i = kFreshEvery;
  for (auto _ : state) {
    if (i == kFreshEvery) {
      state.PauseTiming();
      t->Fresh();
      for (uint64_t k = 0; k < kFreshEvery; k += 512) t->Map(k * kPage, 512);
      i = 0;
      state.ResumeTiming();
    }
    if (!t->Unmap(i * kPage, kCount)) state.SkipWithError("unmap failed");
    i += kCount;
  }
  state.SetItemsProcessed(state.iterations() * kCount);
}

template <typename T>
void BM_IovaToPhys(benchmark::State& state) {
  auto t = std::make_unique<T>();
  constexpr uint64_t kPages = 65536;
  for (uint64_t k = 0; k < kPages; k += 512) t->Map(k * kPage, 512);
  uint64_t i = 0, sum = 0;
  for (auto _ : state) {
    const auto pa = t->Lookup((i++ % kPages) * kPage);
    if (!pa) state.SkipWithError("lookup failed");
    sum += pa.value_or(0);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Map<Driver, 1>)->Name("driver/map4k");
BENCHMARK(BM_Map<Model, 1>)->Name("model/map4k");
BENCHMARK(BM_Unmap<Driver, 1>)->Name("driver/unmap4k");
BENCHMARK(BM_Unmap<Model, 1>)->Name("model/unmap4k");
BENCHMARK(BM_Map<Driver, 512>)->Name("driver/map4k/run512");
BENCHMARK(BM_Map<Model, 512>)->Name("model/map4k/run512");
BENCHMARK(BM_Unmap<Driver, 512>)->Name("driver/unmap4k/run512");
BENCHMARK(BM_Unmap<Model, 512>)->Name("model/unmap4k/run512");
BENCHMARK(BM_IovaToPhys<Driver>)->Name("driver/iova_to_phys");
BENCHMARK(BM_IovaToPhys<Model>)->Name("model/iova_to_phys");

// The same-run table: per workload, ns per page for the driver and the model, and their ratio.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      const std::string name = r.benchmark_name();
      const size_t slash = name.find('/');
      const double items = r.counters.count("items_per_second")
                               ? static_cast<double>(r.counters.at("items_per_second"))
                               : 0;
      if (slash == std::string::npos || items <= 0) continue;
      ns_[name.substr(slash + 1)][name.substr(0, slash)] = 1e9 / items;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-14s %12s %12s %12s %14s\n", "workload", "driver ns", "model ns",
                "model/driver", "driver pages/s");
    for (const auto& [work, by] : ns_) {
      if (!by.count("driver") || !by.count("model")) continue;
      std::printf("%-14s %12.1f %12.1f %12.1f %14.3g\n", work.c_str(), by.at("driver"),
                  by.at("model"), by.at("model") / by.at("driver"), 1e9 / by.at("driver"));
    }
  }

 private:
  std::map<std::string, std::map<std::string, double>> ns_;
};

}  // namespace
}  // namespace smmuref::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  smmuref::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
