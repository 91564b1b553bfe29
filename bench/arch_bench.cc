// Translation throughput of the engine (impl::arch::Engine) against the reference model
// (model::arch::Smmu) on the same scenes, measured in one run [issue 4, item 7]:
//   hit:  16 contiguous pages translated round-robin, so the engine's caches always hit;
//   walk: 16384 pages, one per last-level table (stride 2MB at 4KB, 512MB at 64KB), visited in
//         a fixed shuffled order, so the working set exceeds the engine's default IOTLB (4096
//         entries), micro-TLB (256) and walk cache (1024): almost every translation walks.
// Each in 4KB and 64KB granules, stage 1 only and nested (stage 1 + stage 2). The engine runs
// with its default cache geometry (Engine::Options{}). One benchmark iteration is one
// translation, so Time is ns/translation. After the run a table gives impl ns, model ns and
// model/impl from this run (STYLE.md: speed is a ratio against a baseline of the same run).
//   allowed/N: the model alone on one translation with N allowed walk combinations (N = 1, 4,
//         ..., 4096, BuildStaleScene), with a table of its cost against one walk;
//   engine/construct: an Engine constructed and destroyed (default Options).
// Usage: ./smmuref bench [--benchmark_filter=REGEX] [other Google Benchmark flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>

#include <unistd.h>

#include "scene.h"
#include "smmuref/impl/arch/engine.h"
#include "smmuref/model/arch/smmu.h"
#include "smmuref/model/arch/translate.h"
#include "smmuref/spec/profile.h"

namespace smmuref::bench {
namespace {

constexpr size_t kHitPages = 16, kWalkPages = 16384;

const spec::Profile& FullProfile() {
  static const spec::Profile p = [] {
    auto r = spec::LoadProfile("full");
    if (!r.ok()) {
      std::fprintf(stderr, "arch_bench: %s\n", r.error().ToString().c_str());
      std::exit(2);
    }
    return *r;
  }();
  return p;
}

struct ImplTarget {
  static constexpr const char* kName = "impl";
  ImplTarget() : engine(FullProfile()) {}
  Sink MakeSink() {
    return {[this](uint64_t pa, uint64_t v) { engine.MemWrite64(pa, v); },
            [this](spec::Reg r, uint64_t v) { engine.WriteReg(r, v); }};
  }
  spec::TxnOutcome First(const spec::Txn& t) { return engine.Translate(t); }
  void Translate(const spec::Txn& t) {
    auto o = engine.Translate(t);
    benchmark::DoNotOptimize(o);
  }
  impl::arch::Engine engine;
};

struct ModelTarget {
  static constexpr const char* kName = "model";
  ModelTarget() : smmu(FullProfile()) {}
  Sink MakeSink() {
    return {[this](uint64_t pa, uint64_t v) { smmu.memory().Write64(pa, v); },
            [this](spec::Reg r, uint64_t v) { smmu.WriteReg(r, v); }};
  }
  spec::TxnOutcome First(const spec::Txn& t) {
    auto r = smmu.Translate(t);
    if (!r.ok() || r->size() != 1) return {};  // an abort outcome: fails the check
    return r->front();
  }
  void Translate(const spec::Txn& t) {
    auto r = smmu.Translate(t);
    benchmark::DoNotOptimize(r);
  }
  model::arch::Smmu smmu;
};

struct Workload {
  std::string name;
  bool walk;
  SceneSpec spec;
};

std::vector<Workload> Workloads() {
  std::vector<Workload> out;
  for (bool walk : {false, true}) {
    for (unsigned g : {12u, 16u}) {
      for (bool nested : {false, true}) {
        SceneSpec s;
        s.granule_shift = g;
        s.nested = nested;
        s.pages = walk ? kWalkPages : kHitPages;
        // One page per last-level table: the table covers 2^(g + g - 3) bytes.
        s.va_stride = walk ? uint64_t{1} << (2 * g - 3) : 0;
        out.push_back({std::string(walk ? "walk" : "hit") + (g == 12 ? "/4K" : "/64K") +
                           (nested ? "/S1+S2" : "/S1"),
                       walk, s});
      }
    }
  }
  return out;
}

template <class Target>
void BM_Translate(benchmark::State& state, const Workload& w) {
  auto target = std::make_unique<Target>();
  Sink sink = target->MakeSink();
  const Scene scene = BuildScene(w.spec, sink);

  // Check every page of small scenes and a sample of large ones before timing; this also fills
  // the engine's caches for the hit workload.
  const size_t step = scene.txns.size() > 1024 ? 97 : 1;
  for (size_t i = 0; i < scene.txns.size(); i += step) {
    const spec::TxnOutcome o = target->First(scene.txns[i]);
    if (o.kind != spec::TxnOutcome::Kind::kOk || o.pa != scene.pas[i]) {
      const std::string msg = "page " + std::to_string(i) + ": " + spec::ToString(o);
      state.SkipWithError(msg.c_str());
      return;
    }
  }
  std::vector<spec::Txn> order = scene.txns;
  if (w.walk) std::shuffle(order.begin(), order.end(), std::mt19937_64(42));

  uint64_t reads0 = 0, micro0 = 0;
  if constexpr (std::is_same_v<Target, ImplTarget>) {
    reads0 = target->engine.stats().descriptor_reads;
    micro0 = target->engine.stats().micro_hits;
  }
  size_t i = 0;
  const size_t n = order.size();
  for (auto _ : state) {
    target->Translate(order[i]);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  if constexpr (std::is_same_v<Target, ImplTarget>) {
    const auto& s = target->engine.stats();
    using benchmark::Counter;
    state.counters["desc_reads"] =
        Counter(static_cast<double>(s.descriptor_reads - reads0), Counter::kAvgIterations);
    state.counters["micro_hit"] =
        Counter(static_cast<double>(s.micro_hits - micro0), Counter::kAvgIterations);
  }
}

// The cost of the model's allowed set [spec/design.md, "Caching as allowed sets"]: one
// translation whose four descriptor reads may each return several values (BuildStaleScene), so
// the model walks every combination, 1 to 4096 (the R-CACHE-009 bound). Model only: the engine
// makes one choice and never enumerates.
struct AllowedWorkload {
  std::string name;
  unsigned candidates[4];  // per level, 0 first
  unsigned combos;
};

std::vector<AllowedWorkload> AllowedWorkloads() {
  // 4^k combinations: 4 candidates at k levels, then 16 at the leaf and at level 2.
  const unsigned shapes[7][4] = {{1, 1, 1, 1}, {1, 1, 1, 4},  {1, 1, 4, 4},  {1, 4, 4, 4},
                                 {4, 4, 4, 4}, {4, 4, 4, 16}, {4, 4, 16, 16}};
  std::vector<AllowedWorkload> out;
  for (const auto& c : shapes) {
    const unsigned combos = c[0] * c[1] * c[2] * c[3];
    out.push_back({"allowed/" + std::to_string(combos), {c[0], c[1], c[2], c[3]}, combos});
  }
  return out;
}

// How many walks (runs of the model's allowed-set enumeration) a translation takes, and how many
// of them describe no possible walk: Smmu::Translate's loop without the outcomes (model/arch/
// smmu.cc), with the registers BuildScene sets. The runs can be fewer than the product of the
// candidate counts: a walk through an earlier value of a table descriptor may only read what
// the next level held then (R-CACHE-011).
struct Runs {
  size_t runs = 0, dead = 0;
};
Runs CountRuns(const model::arch::Smmu& smmu, const spec::Txn& txn) {
  model::arch::TranslateContext ctx;
  ctx.p = &smmu.profile();
  ctx.smmuen = true;
  ctx.strtab.base = smmu.ReadReg(spec::Reg::STRTAB_BASE);
  ctx.strtab.cfg = smmu.ReadReg(spec::Reg::STRTAB_BASE_CFG);
  ctx.strtab.record_invalid_sid = true;  // CR2 as BuildScene writes it (E2H=0)
  model::arch::AllowedSetFetcher fetch(smmu.memory(), smmu.cache(), smmu.profile());
  Runs n;
  do {
    model::arch::TranslateTxn(ctx, txn, fetch);
    n.dead += fetch.dead() ? 1 : 0;
  } while (fetch.runs() <= 2 * model::arch::AllowedSetFetcher::kMaxRuns && fetch.Next());
  n.runs = fetch.runs();
  return n;
}

void BM_Allowed(benchmark::State& state, const AllowedWorkload& w) {
  ModelTarget target;
  Sink sink = target.MakeSink();
  const Scene scene = BuildStaleScene(w.candidates, sink);
  // Every combination reaches the same page: one outcome, OK at the scene's PA.
  const auto r = target.smmu.Translate(scene.txns[0]);
  if (!r.ok() || r->size() != 1 || r->front().kind != spec::TxnOutcome::Kind::kOk ||
      r->front().pa != scene.pas[0]) {
    const std::string msg = r.ok() ? std::to_string(r->size()) + " outcomes, first " +
                                         (r->empty() ? "-" : spec::ToString(r->front()))
                                   : r.error().ToString();
    state.SkipWithError(msg.c_str());
    return;
  }
  for (auto _ : state) target.Translate(scene.txns[0]);
  state.SetItemsProcessed(state.iterations());
  const Runs runs = CountRuns(target.smmu, scene.txns[0]);
  state.counters["combos"] = w.combos;
  state.counters["runs"] = static_cast<double>(runs.runs);
  state.counters["dead"] = static_cast<double>(runs.dead);
}

// An engine constructed and destroyed with the default cache geometry: what every program of
// an in-process campaign (`smmuref check`) pays before its first store.
void BM_EngineConstruct(benchmark::State& state) {
  for (auto _ : state) {
    impl::arch::Engine e(FullProfile());
    benchmark::DoNotOptimize(&e);
  }
  state.SetItemsProcessed(state.iterations());
}

// The console output plus, at the end, impl and model side by side.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  // Counters inline rather than as columns: impl and model runs carry different counters, and
  // tabular output would repeat the header between them.
  RatioReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Color : OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      // With --benchmark_repetitions keep the median; otherwise the single run.
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const std::string& full = r.run_name.function_name;
      if (full.rfind("engine/", 0) == 0) continue;  // not a translation workload
      if (full.rfind("campaign/", 0) == 0) {  // campaign_bench.cc
        campaign_ = r.counters.at("programs_per_cpu_s");
        continue;
      }
      if (full.rfind("allowed/", 0) == 0) {
        allowed_[std::stoul(full.substr(8))] =
            r.GetAdjustedCPUTime() * 1e9 / benchmark::GetTimeUnitMultiplier(r.time_unit);
        continue;
      }
      const size_t slash = full.rfind('/');
      Row& row = rows_[full.substr(0, slash)];
      (full.substr(slash + 1) == "impl" ? row.impl : row.model) = r.GetAdjustedCPUTime();
    }
  }

  void PrintTable(std::ostream& os) const {
    PrintRatios(os);
    PrintAllowed(os);
    if (campaign_ > 0) {
      char line[160];
      std::snprintf(line, sizeof line,
                    "\ncampaign (default mix, seed 1, one thread): %.0f programs per CPU second; "
                    "target 5,000 programs/s (issue \"Speed where it counts\")\n",
                    static_cast<double>(campaign_));
      os << line;
    }
  }

 private:
  void PrintAllowed(std::ostream& os) const {
    if (allowed_.empty()) return;
    char line[160];
    os << "\nmodel allowed-set cost, CPU time, this run (one translation, every combination "
          "walked)\n";
    std::snprintf(line, sizeof line, "%-8s %14s %14s %12s\n", "walks", "model us", "ns/walk",
                  "vs 1 walk");
    os << line;
    const double one = allowed_.begin()->first == 1 ? allowed_.begin()->second : 0;
    for (const auto& [walks, ns] : allowed_) {
      std::snprintf(line, sizeof line, "%-8u %14.1f %14.0f %11.1fx\n", walks, ns / 1000,
                    ns / walks, one > 0 ? ns / one : 0);
      os << line;
    }
  }

  void PrintRatios(std::ostream& os) const {
    if (rows_.empty()) return;
    char line[160];
    os << "\nns per translation, CPU time, this run (impl: default Engine::Options)\n";
    std::snprintf(line, sizeof line, "%-18s %10s %12s %11s\n", "workload", "impl ns", "model ns",
                  "model/impl");
    os << line;
    for (const auto& [name, row] : rows_) {
      const double ratio = row.impl > 0 && row.model > 0 ? row.model / row.impl : 0;
      std::snprintf(line, sizeof line, "%-18s %10.1f %12.1f %10.1fx\n", name.c_str(), row.impl,
                    row.model, ratio);
      os << line;
    }
    os << "targets: model/impl >= 50x on hit, >= 5x on walk (issue 4); impl hit <= 10 ns,\n"
          "  walk/4K/S1 <= 60 ns, walk/4K/S1+S2 <= 150 ns (issue \"Speed where it counts\")\n";
    for (const auto& [name, row] : rows_) {
      if (row.impl <= 0) continue;
      const bool hit = name.rfind("hit/", 0) == 0;
      const double ratio = row.model > 0 ? row.model / row.impl : 0;
      const bool ratio_ok = row.model <= 0 || ratio >= (hit ? 50 : 5);
      const double ns_target = hit                     ? 10
                               : name == "walk/4K/S1"    ? 60
                               : name == "walk/4K/S1+S2" ? 150
                                                         : 0;
      const bool time_ok = ns_target == 0 || row.impl <= ns_target;
      if (!ratio_ok || !time_ok) {
        os << "  missed: " << name << (ratio_ok ? "" : " (ratio)") << (time_ok ? "" : " (ns)")
           << "\n";
      }
    }
  }

  struct Row {
    double impl = 0, model = 0;
  };
  std::map<std::string, Row> rows_;
  std::map<unsigned, double> allowed_;  // walks -> model ns per translation
  double campaign_ = 0;                  // campaign_bench.cc: programs per CPU second
};

void RegisterAll() {
  static const std::vector<Workload> workloads = Workloads();
  for (const Workload& w : workloads) {
    benchmark::RegisterBenchmark((w.name + "/impl").c_str(), BM_Translate<ImplTarget>, w)
        ->Unit(benchmark::kNanosecond);
    benchmark::RegisterBenchmark((w.name + "/model").c_str(), BM_Translate<ModelTarget>, w)
        ->Unit(benchmark::kNanosecond);
  }
  benchmark::RegisterBenchmark("engine/construct", BM_EngineConstruct)
      ->Unit(benchmark::kMicrosecond);
  static const std::vector<AllowedWorkload> allowed = AllowedWorkloads();
  for (const AllowedWorkload& w : allowed) {
    benchmark::RegisterBenchmark((w.name + "/model").c_str(), BM_Allowed, w)
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace smmuref::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  smmuref::bench::RegisterAll();
  smmuref::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintTable(std::cout);
  benchmark::Shutdown();
  return 0;
}
