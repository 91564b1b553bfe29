// `smmuref check`, the main job: every shipped vector on the device in lockstep with the model,
// then the differential random campaign (conform/campaign.h).
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "cli.h"
#include "smmuref/conform/campaign.h"
#include "smmuref/conform/device.h"
#include "smmuref/conform/report.h"
#include "smmuref/conform/runner.h"

namespace smmuref::cli {

namespace {

namespace fs = std::filesystem;

struct CheckOptions {
  std::string corpus = std::string(SMMUREF_SOURCE_DIR) + "/corpus/vectors";
  conform::CampaignOptions camp;
  ReportFiles reports;
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
  conform::Totals all;
  for (const auto& f : files) {
    conform::FileReport r = conform::RunVectorPath(f, opts);
    if (r.error || r.Failed()) std::fputs(conform::TextFileReport(r, false).c_str(), stdout);
    const std::string area = fs::path(f).parent_path().filename();
    areas[area].Add(r);
    all.Add(r);
    run->areas.push_back(area);
    run->files.push_back(std::move(r));
  }
  // Expectations passed and failed; disagreements with the model and files with bad input apart.
  std::printf("\n%-12s %6s %8s %7s %10s %10s\n", "area", "files", "passed", "failed",
              "disagree", "bad input");
  for (const auto& [area, t] : areas) {
    std::printf("%-12s %6d %8d %7d %10d %10d\n", area.c_str(), t.files, t.passed, t.failed,
                t.mismatches, t.errors);
  }
  std::printf("vectors: %d expectations passed, %d failed; %d disagreements between %s and the "
              "model; %d files with bad input\n",
              all.passed, all.failed, all.mismatches, dut.c_str(), all.errors);
  return all;
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
  rep = conform::RunCampaign(camp);
  std::printf("programs %llu, translations %llu, distinct outcomes %zu, rule ids exercised %zu, "
              "programs ended by the allowed-set bound %llu, programs with a mismatch %llu (%.1f s)\n",
              static_cast<unsigned long long>(rep.programs),
              static_cast<unsigned long long>(rep.translations), rep.observations.size(),
              rep.rules.size(), static_cast<unsigned long long>(rep.bounded),
              static_cast<unsigned long long>(rep.mismatches), rep.elapsed);
  if (!rep.first_bound_reason.empty()) {
    std::printf("  bound, first case: %s\n", rep.first_bound_reason.c_str());
  }
  for (size_t i = 0; i < rep.mismatch_files.size(); ++i) {
    std::printf("  MISMATCH written to %s\n    %s\n", rep.mismatch_files[i].c_str(),
                i < rep.mismatch_summaries.size() ? rep.mismatch_summaries[i].c_str() : "");
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
  const conform::Totals all = RunCorpus(o, &run);
  run.campaign_run = o.camp.dut != "model";
  run.campaign = RunCampaignPhase(o.camp);
  const conform::CampaignReport& rep = run.campaign;
  std::string areas;
  for (const auto& a : run.not_modelled) areas += (areas.empty() ? "" : ", ") + a;
  std::printf("\nnot modelled: %s (smmuref not-modelled)\n", areas.c_str());
  const bool failed = all.failed > 0 || all.mismatches > 0 || all.device_failures > 0 ||
                      rep.mismatches > 0 || rep.device_failures > 0;
  if (all.errors) {
    std::printf("check: bad input in %d of %d vector files\n", all.errors, all.files);
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
  check->add_option("--seconds", o->camp.seconds, "campaign length in seconds")
      ->check(Seconds(kMaxSeconds))
      ->capture_default_str();
  check->add_option("--programs", o->camp.max_programs,
                    "stop the campaign after this many programs instead of after --seconds")
      ->transform(Number(1, kMaxPrograms));
  check->add_option("--seed", o->camp.seed,
                    "campaign seed, 0x.. or decimal, 64 bits; the same seed replays the same programs")
      ->transform(Number(0, UINT64_MAX))
      ->capture_default_str();
  check->add_option("--dut", o->camp.dut, "device under test: impl, model or impl-mutant-K")
      ->check(DeviceName())
      ->capture_default_str();
  check->add_option("--corpus", o->corpus, "folder of vector files to run first (all *.vec below it)")
      ->check(CLI::ExistingDirectory)
      ->default_str("the repository's corpus/vectors");
  check->add_option("--results", o->camp.results_dir,
                    "folder for mismatch reproducers (DIR/check-DUT-seed-SEED/)")
      ->type_name("DIR")
      ->capture_default_str();
  AddReportOptions(check, &o->reports);
  check->footer(
      "1) Runs every vector file under --corpus on the device in lockstep with the reference\n"
      "model: expectations must hold and every outcome must be one the model allows. 2) Runs a\n"
      "differential random campaign (generated programs: random profiles, stream tables, STEs,\n"
      "CDs, page tables, remaps and rewrites with and without invalidations), with live progress\n"
      "on stderr. Each mismatch is written as a replayable vector under --results.\n"
      "exit status: 0 all passed, 1 a vector failed or a mismatch was found, 2 bad input\n" +
      LimitsText());
  check->callback([o, status] { *status = RunCheck(*o); });
}

}  // namespace smmuref::cli
