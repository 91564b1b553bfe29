// campaign_bench: throughput of the differential campaign (conform/campaign.h), the engine in
// lockstep with the model on generated programs, as `smmuref check --no-vectors` runs it: the
// default (coverage-directed) mix from seed 1, one worker thread, programs per second of CPU (arch_bench's table repeats it).
// The same seed gives the same programs on every machine, so runs compare. `./smmuref bench
// --benchmark_filter=campaign` runs it alone; bench/README.md keeps the measured figures.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "smmuref/conform/campaign.h"

namespace {

namespace conform = smmuref::conform;

// One iteration is one campaign of `programs` programs; the rate counter is programs/s.
void BM_Campaign(benchmark::State& state) {
  const uint64_t programs = static_cast<uint64_t>(state.range(0));
  const std::string results =
      (std::filesystem::temp_directory_path() / "smmuref-campaign-bench").string();
  uint64_t total = 0, translations = 0, mismatches = 0;
  for (auto _ : state) {
    conform::CampaignOptions o;
    o.max_programs = programs;
    o.jobs = 1;
    o.progress = false;
    o.shrink = false;
    o.results_dir = results;
    const conform::CampaignReport r = conform::RunCampaign(o);
    total += r.programs;
    translations += r.translations;
    mismatches += r.mismatches;
  }
  // A mismatch here is a bug the test suite reports; the benchmark only says it saw one.
  if (mismatches != 0) state.SkipWithError("the campaign found mismatches: run smmuref check");
  // CPU time (one worker thread): on a loaded machine wall time says more about the load.
  state.counters["programs_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
  state.counters["translations_per_program"] =
      static_cast<double>(translations) / static_cast<double>(total ? total : 1);
}
BENCHMARK(BM_Campaign)->Name("campaign/default-mix")->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace
