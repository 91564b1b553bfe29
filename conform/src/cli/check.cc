// `smmuref check`, the main job: every shipped vector on the device in lockstep with the model,
// then the differential random campaign (conform/campaign.h).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "cli.h"
#include "smmuref/conform/campaign.h"
#include "smmuref/conform/check.h"
#include "smmuref/conform/device.h"
#include "smmuref/conform/driver_e2e.h"
#include "smmuref/conform/report.h"
#include "smmuref/conform/runner.h"

namespace smmuref::cli {

namespace {

namespace fs = std::filesystem;

std::string DriverMutantsText(const std::vector<std::pair<int, std::string>>& mutants) {
  if (mutants.empty()) return "";
  std::string s = "driver mutants (--driver-mutant K):\n";
  for (const auto& [id, what] : mutants) s += "  " + std::to_string(id) + ": " + what + "\n";
  return s;
}

CLI::Validator ProgramIdCheck() {
  return CLI::Validator(
      [](std::string& v) {
        auto id = conform::ParseProgramId(v);
        return id ? std::string() : id.error().message;
      },
      "SEED:FOCUS");
}

struct CheckOptions {
  std::string corpus = std::string(SMMUREF_SOURCE_DIR) + "/corpus/vectors";
  conform::CampaignOptions camp;
  ReportFiles reports;
  bool no_vectors = false;
  std::string replay;  // a program id: run that one program alone
  bool no_e2e = false;
  conform::DriverE2eOptions e2e;
};

std::vector<std::string> CorpusFiles(const std::string& corpus) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(corpus, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".vec") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Phase 1: every shipped vector on the device (in lockstep with the model unless it is the model).
conform::Totals RunCorpus(const CheckOptions& o, conform::RunSummary* run) {
  const std::string& dut = o.camp.dut;
  const auto files = CorpusFiles(o.corpus);
  std::printf("smmuref check: %zu vector files from %s on '%s'%s\n", files.size(),
              o.corpus.c_str(), dut.c_str(), dut == "model" ? "" : " in lockstep with the model");
  conform::RunOptions opts;
  opts.dut = dut;
  std::map<std::string, conform::Totals> areas;
  // Per area, the devices that ran its files: the DUT, or for api.* lines the device that ran
  // them (the model alone when the DUT has no IOMMU API).
  std::map<std::string, std::set<std::string>> ran_on;
  conform::Totals all;
  for (const auto& f : files) {
    conform::FileReport r = conform::RunVectorPath(f, opts);
    if (r.error || r.Failed()) std::fputs(conform::TextFileReport(r, false).c_str(), stdout);
    const std::string area = fs::path(f).parent_path().filename();
    areas[area].Add(r);
    ran_on[area].insert(r.api_device.empty() ? dut : r.api_device);
    all.Add(r);
    run->areas.push_back(area);
    run->files.push_back(std::move(r));
  }
  // Expectations passed and failed; disagreements with the model and files with bad input apart.
  std::printf("\n%-12s %6s %8s %7s %10s %10s  %s\n", "area", "files", "passed", "failed",
              "disagree", "bad input", "ran on");
  for (const auto& [area, t] : areas) {
    std::string devices;
    for (const auto& d : ran_on[area]) devices += (devices.empty() ? "" : "+") + d;
    if (dut != "model" && devices == "model") devices += " only (" + dut + " has no IOMMU API)";
    std::printf("%-12s %6d %8d %7d %10d %10d  %s\n", area.c_str(), t.files, t.passed, t.failed,
                t.mismatches, t.errors, devices.c_str());
  }
  std::printf("vectors: %d expectations passed, %d failed; %d disagreements between %s and the "
              "model; %d files with bad input\n",
              all.passed, all.failed, all.mismatches, dut.c_str(), all.errors);
  return all;
}

// The campaign's figures: throughput, rule coverage with the ids never hit (and why, when no
// random program can reach them), the first mismatch, the reproducers.
void PrintCampaign(const conform::CampaignOptions& camp, const conform::CampaignReport& rep) {
  namespace cov = spec::coverage;
  std::printf("programs %llu (%.0f programs/s over %.1f s on %u threads, %.0f per CPU second), "
              "translations %llu, outcome classes %zu, rule ids exercised %zu of %zu, programs "
              "ended by the allowed-set bound %llu, programs with a mismatch %llu\n",
              static_cast<unsigned long long>(rep.programs), rep.ProgramsPerSecond(), rep.elapsed,
              rep.jobs, rep.ProgramsPerCpuSecond(),
              static_cast<unsigned long long>(rep.translations), rep.observations.size(),
              rep.RulesExercised(), cov::kRuleCount, static_cast<unsigned long long>(rep.bounded),
              static_cast<unsigned long long>(rep.mismatches));
  const auto never = rep.RulesNeverHit();
  if (!never.empty()) {
    std::printf("  rule ids never hit:");
    for (const auto& id : never) std::printf(" %s", id.c_str());
    std::printf("\n");
    for (const auto& [id, why] : conform::UnreachableRules()) {
      if (std::find(never.begin(), never.end(), id) != never.end()) {
        std::printf("    %s: %s\n", id.c_str(), why.c_str());
      }
    }
  }
  if (!rep.first_bound_reason.empty()) {
    std::printf("  bound, first case (program %s): %s\n", rep.first_bound_program.c_str(),
                rep.first_bound_reason.c_str());
  }
  if (rep.first_mismatch) {
    std::printf("  first mismatch: program %s, after %llu programs (replay: smmuref check --replay "
                "%s --dut %s)\n",
                rep.first_mismatch_program.c_str(),
                static_cast<unsigned long long>(rep.first_mismatch),
                rep.first_mismatch_program.c_str(), camp.dut.c_str());
  }
  for (size_t i = 0; i < rep.mismatch_files.size(); ++i) {
    std::printf("  MISMATCH written to %s\n    %s\n", rep.mismatch_files[i].c_str(),
                i < rep.mismatch_summaries.size() ? rep.mismatch_summaries[i].c_str() : "");
    if (i < rep.shrunk_files.size() && !rep.shrunk_files[i].empty()) {
      std::printf("    shrunk to %s (%s)\n", rep.shrunk_files[i].c_str(), rep.shrink_notes[i].c_str());
    } else if (i < rep.shrink_notes.size()) {
      std::printf("    %s\n", rep.shrink_notes[i].c_str());
    }
  }
  for (const auto& e : rep.write_errors) std::printf("  MISMATCH NOT WRITTEN: %s\n", e.c_str());
  const uint64_t reported = rep.mismatch_files.size() + rep.write_errors.size();
  if (rep.device_failures) {
    std::printf("  programs ended by a device failure: %llu\n",
                static_cast<unsigned long long>(rep.device_failures));
  }
  if (rep.mismatches + rep.device_failures > reported) {
    std::printf("  (%llu more failing programs not written)\n",
                static_cast<unsigned long long>(rep.mismatches + rep.device_failures - reported));
  }
}

// Phase 2: the differential random campaign.
conform::CampaignReport RunCampaignPhase(const conform::CampaignOptions& camp) {
  conform::CampaignReport rep;
  if (camp.dut == "model") {
    std::printf("\ndifferential campaign: not run (the device is the model itself)\n");
    return rep;
  }
  if (camp.max_programs > 0) {
    std::printf("\ndifferential campaign: %s vs model for %llu programs, seed %llu\n",
                camp.dut.c_str(), static_cast<unsigned long long>(camp.max_programs),
                static_cast<unsigned long long>(camp.seed));
  } else {
    std::printf("\ndifferential campaign: %s vs model for %g s, seed %llu\n", camp.dut.c_str(),
                camp.seconds, static_cast<unsigned long long>(camp.seed));
  }
  std::fflush(stdout);
  conform::CampaignOptions on_platform = camp;
  on_platform.platform = conform::DutPlatform(camp.dut);
  rep = conform::RunCampaign(on_platform);
  PrintCampaign(camp, rep);
  return rep;
}

// The campaign writes its reproducers under --results: a folder it cannot write is a usage
// error before anything runs, never a report of files that do not exist.
std::string ResultsProblem(const conform::CampaignOptions& camp) {
  if (camp.dut == "model") return "";
  const fs::path dir = conform::ResultsFolder(camp);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create " + dir.string() + ": " + ec.message();
  const fs::path probe = dir / ".smmuref-write-test";
  std::FILE* f = std::fopen(probe.c_str(), "w");
  if (!f || std::fclose(f) != 0) return "cannot write in " + dir.string() + ": " + std::strerror(errno);
  fs::remove(probe, ec);
  return "";
}

// Phase 3: smmuref's own SMMUv3 driver over model devices, checked for DMA isolation after
// every operation (conform/driver_e2e.h). A violation's replayable vector goes under --results.
// Returns whether it ran clean; *usage when the vector could not be written.
bool RunDriverPhase(const CheckOptions& o, conform::RunSummary* run, bool* usage) {
  conform::DriverE2eOptions e = o.e2e;
  e.seed = o.camp.seed;
  run->driver_run = true;
  run->driver_options = e;
  std::string what = e.mutant ? "driver mutant " + std::to_string(e.mutant) : "the driver";
  std::printf("\ndriver end to end: %s over the model on two SMMUs, %d programs of %d operations "
              "each per SMMU, seed %llu\n",
              what.c_str(), e.programs, e.operations, static_cast<unsigned long long>(e.seed));
  std::fflush(stdout);
  run->driver = conform::RunDriverEndToEnd(e);
  const conform::DriverE2eReport& r = run->driver;
  for (const auto& i : r.instances) std::printf("  %s\n", i.c_str());
  std::string reached;
  for (const auto& [op, n] : r.reached) reached += " " + op + "=" + std::to_string(n);
  std::printf("driver end to end: %llu programs, %llu transactions checked in %.1f s, %s\n",
              static_cast<unsigned long long>(r.programs),
              static_cast<unsigned long long>(r.transactions), r.seconds,
              r.violated ? "isolation VIOLATED" : "no violation");
  std::printf("  driver calls that succeeded:%s\n", reached.c_str());
  if (!r.violated) return true;
  std::printf("  first violation: %s, program seed %llu: %s\n", r.failing_instance.c_str(),
              static_cast<unsigned long long>(r.failing_seed), r.violation.c_str());
  if (r.vector.empty()) {
    std::printf("  (a driver call, not a transaction, broke isolation: no vector to replay)\n");
    return false;
  }
  const fs::path dir = fs::path(o.camp.results_dir) / "check-driver-e2e";
  const fs::path file = dir / ("violation-seed-" + std::to_string(r.failing_seed) + ".vec");
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::FILE* f = ec ? nullptr : std::fopen(file.c_str(), "w");
  const bool written = f && std::fputs(r.vector.c_str(), f) >= 0;
  if (f && std::fclose(f) != 0) *usage = true;
  if (!written) {
    std::printf("  VECTOR NOT WRITTEN: %s\n", file.c_str());
    *usage = true;
    return false;
  }
  run->driver_vector_file = file.string();
  std::printf("  vector written to %s (replay: smmuref vectors run --strict %s)\n", file.c_str(),
              file.c_str());
  return false;
}

// --replay ID: the one program alone, on the device in lockstep with the model.
int RunReplay(const CheckOptions& o) {
  auto id = conform::ParseProgramId(o.replay);
  if (!id) return kUsage;  // the option's validator already refused it
  std::printf("smmuref check: program %s alone on '%s' in lockstep with the model\n",
              id->ToString().c_str(), o.camp.dut.c_str());
  // The program as the campaign made it: on the platform the DUT declares.
  conform::CampaignOptions camp = o.camp;
  camp.platform = conform::DutPlatform(camp.dut);
  const conform::CampaignReport rep = conform::ReplayProgram(camp, *id);
  PrintCampaign(camp, rep);
  if (!rep.write_errors.empty()) return kUsage;
  std::printf("%s\n", rep.mismatches ? "check: FAILED" : "check: passed");
  return rep.mismatches ? kFailed : kOk;
}

int RunCheck(const CheckOptions& o) {
  if (const std::string problem = ResultsProblem(o.camp); !problem.empty()) {
    std::fprintf(stderr, "smmuref check: --results: %s\n", problem.c_str());
    return kUsage;
  }
  if (const std::string problem = OpenReportFiles(o.reports); !problem.empty()) {
    std::fprintf(stderr, "smmuref check: %s\n", problem.c_str());
    return kUsage;
  }
  conform::RunSummary run;
  run.command = "check";
  run.dut = o.camp.dut;
  run.campaign_options = o.camp;
  run.not_modelled = NotModelledAreas();
  if (!o.replay.empty()) return RunReplay(o);
  conform::Totals all;
  if (o.no_vectors) std::printf("smmuref check: vectors not run (--no-vectors)\n");
  else all = RunCorpus(o, &run);
  run.campaign_run = o.camp.dut != "model";
  run.campaign = RunCampaignPhase(o.camp);
  const conform::CampaignReport& rep = run.campaign;
  bool e2e_usage = false;
  bool e2e_ok = true;
  if (o.no_e2e) std::printf("\ndriver end to end: not run (--no-driver)\n");
  else e2e_ok = RunDriverPhase(o, &run, &e2e_usage);
  std::string areas;
  for (const auto& a : run.not_modelled) areas += (areas.empty() ? "" : ", ") + a;
  std::printf("\nnot modelled: %s (smmuref not-modelled)\n", areas.c_str());
  const bool failed = all.failed > 0 || all.mismatches > 0 || all.device_failures > 0 ||
                      rep.mismatches > 0 || rep.device_failures > 0 || !e2e_ok;
  if (all.errors) {
    std::printf("check: bad input in %d of %d vector files\n", all.errors, all.files);
    run.status = kUsage;
  } else if (e2e_usage) {
    std::printf("check: FAILED, and the driver's violation could not be written\n");
    run.status = kUsage;
  } else if (!rep.write_errors.empty()) {
    std::printf("check: FAILED, and %zu reproducers could not be written\n", rep.write_errors.size());
    run.status = kUsage;
  } else {
    std::printf("%s\n", failed ? "check: FAILED" : "check: passed");
    run.status = failed ? kFailed : kOk;
  }
  return WriteReportFiles(o.reports, run) ? run.status : kUsage;
}

}  // namespace

void AddCheckCommand(CLI::App& app, int* status) {
  CLI::App* check = app.add_subcommand(
      "check", "the main job: shipped vectors, then a differential campaign, impl vs model");
  auto o = std::make_shared<CheckOptions>();
  const auto devices = conform::DeviceNames();
  o->camp.dut = std::find(devices.begin(), devices.end(), "impl") != devices.end() ? "impl" : "model";
  check->add_option("--seconds", o->camp.seconds,
                    "campaign time limit in seconds (results then depend on the machine's speed)")
      ->check(Seconds(kMaxSeconds));
  auto* programs =
      check->add_option("--programs", o->camp.max_programs,
                        "campaign length in programs (the default; with --seconds alone, none)")
          ->transform(Number(1, kMaxPrograms))
          ->capture_default_str();
  check->add_flag("--no-vectors", o->no_vectors, "run the campaign only, not the vector files");
  check->add_option("--replay", o->replay,
                    "run one program alone by the id a mismatch printed (SEED:FOCUS)")
      ->check(ProgramIdCheck());
  check->add_flag("--first-mismatch", o->camp.stop_at_first_mismatch,
                  "stop the campaign at its first mismatching program");
  check->add_flag("!--no-shrink", o->camp.shrink,
                  "do not shrink the reproducers (by default the first " +
                      std::to_string(conform::CampaignReport::kMaxShrunk) +
                      " are shrunk to NAME.min.vec next to them)");
  check->add_option("--jobs", o->camp.jobs,
                    "campaign worker threads (default: the cores, at most 4; same programs)")
      ->transform(Number(1, 64));
  check->add_flag("!--undirected", o->camp.directed,
                  "give every program the mix focus instead of following rule coverage");
  check->add_option("--seed", o->camp.seed,
                    "campaign seed, 0x.. or decimal, 64 bits; the same seed replays the same programs")
      ->transform(Number(0, UINT64_MAX))
      ->capture_default_str();
  check->add_option("--dut", o->camp.dut, "device under test: impl, model, impl-mutant-K, or model-abi / impl-abi (through dut.h)")
      ->check(DeviceName())
      ->capture_default_str();
  check->add_option("--corpus", o->corpus, "folder of vector files to run first (all *.vec below it)")
      ->check(CLI::ExistingDirectory)
      ->default_str("the repository's corpus/vectors");
  check->add_option("--results", o->camp.results_dir,
                    "folder for mismatch reproducers (DIR/check-DUT-seed-SEED/)")
      ->type_name("DIR")
      ->capture_default_str();
  check->add_flag("--no-driver", o->no_e2e, "do not run the driver's end-to-end phase");
  check->add_option("--driver-programs", o->e2e.programs,
                    "programs per SMMU in the driver's end-to-end phase (seeds from --seed)")
      ->transform(Number(1, 100000))
      ->capture_default_str();
  const auto driver_mutants = conform::DriverMutantList();
  check->add_option("--driver-mutant", o->e2e.mutant,
                    "run the end-to-end phase on a deliberately wrong driver (1.." +
                        std::to_string(driver_mutants.size()) + ", see --help)")
      ->check(CLI::Validator(
          [n = driver_mutants.size()](std::string& v) -> std::string {
            if (n == 0) return "this build has no driver mutants (SMMUREF_MUTANTS=OFF, or the fuzz preset)";
            char* end = nullptr;
            const long k = std::strtol(v.c_str(), &end, 10);
            if (end == v.c_str() || *end != 0 || k < 1 || k > static_cast<long>(n))
              return "Value " + v + " not in range 1 to " + std::to_string(n);
            return "";
          },
          "K"));
  AddReportOptions(check, &o->reports);
  check->footer(
      "1) Runs every vector file under --corpus on the device in lockstep with the reference\n"
      "model: expectations must hold and every outcome must be one the model allows. 2) Runs a\n"
      "differential random campaign of --programs generated programs (random profiles, stream\n"
      "tables, STEs, CDs, page tables, remaps, rewrites, aborts and queue errors, with and without\n"
      "invalidations; the focus of each program follows rule coverage), with live progress on\n"
      "stderr; the same --seed and --programs run the same programs on every machine. The report\n"
      "gives programs/s, the rule ids exercised and those never hit. Each mismatch is written as\n"
      "a replayable vector under --results and names its program id for --replay; the first " +
      std::to_string(conform::CampaignReport::kMaxShrunk) +
      "\nare shrunk to a small vector that fails the same way (NAME.min.vec, --no-shrink: not).\n"
      "3) Runs smmuref's own SMMUv3 driver (impl/driver) over the model on two SMMUs (full; and\n"
      "s1only-nossid with 16KB/64KB granules and a non-coherent walker), --driver-programs seeded\n"
      "programs each, and after every driver operation requires every outcome the model allows\n"
      "to agree with what the driver was asked to map; a violation is written as a replayable\n"
      "vector under --results/check-driver-e2e/. This phase judges the driver, whatever --dut is.\n"
      "exit status: 0 all passed, 1 a vector failed, a mismatch or an isolation violation was\n"
      "found, 2 bad input\n" + LimitsText() + DriverMutantsText(driver_mutants));
  check->callback([o, status, programs, check] {
    // A time budget alone replaces the default program count.
    if (check->get_option("--seconds")->count() > 0 && programs->count() == 0) {
      o->camp.max_programs = 0;
    }
    *status = RunCheck(*o);
  });
}

}  // namespace smmuref::cli
