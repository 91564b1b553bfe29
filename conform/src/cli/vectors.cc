// `smmuref vectors run`: vector files on a device, one report line per file (spec/vector-format.md).
#include "cli.h"
#include "smmuref/conform/report.h"
#include "smmuref/conform/runner.h"

namespace smmuref::cli {

namespace {

struct VectorsOptions {
  std::string dut = "model";
  bool quiet = false;
  bool strict = false;
  std::vector<std::string> files;
  ReportFiles reports;
  bool shrink = false;
  std::string shrink_dir;  // empty: DefaultShrinkDir("results", dut)
};

int RunVectors(const VectorsOptions& o) {
  if (const std::string problem = OpenReportFiles(o.reports); !problem.empty()) {
    std::fprintf(stderr, "smmuref vectors run: %s\n", problem.c_str());
    return kUsage;
  }
  const std::string shrink_dir =
      o.shrink_dir.empty() ? DefaultShrinkDir("results", o.dut) : o.shrink_dir;
  if (o.shrink) {
    if (const std::string problem = ShrinkDirProblem(shrink_dir); !problem.empty()) {
      std::fprintf(stderr, "smmuref vectors run: %s\n", problem.c_str());
      return kUsage;
    }
  }
  conform::RunOptions opts;
  opts.dut = o.dut;
  opts.strict = o.strict;
  conform::Totals t;
  conform::RunSummary run;
  run.command = "vectors run";
  run.dut = o.dut;
  for (const auto& f : o.files) {
    conform::FileReport r = conform::RunVectorPath(f, opts);
    std::fputs(conform::TextFileReport(r, o.quiet).c_str(), stdout);
    if (o.strict) std::fputs(conform::TextRoom(r, o.quiet).c_str(), stdout);
    t.Add(r);
    run.files.push_back(std::move(r));
  }
  std::fputs(conform::TextTotals(t).c_str(), stdout);
  if (o.shrink) ShrinkFailingFiles(o.dut, shrink_dir, &run.files);
  run.status = t.Status();
  return WriteReportFiles(o.reports, run) ? run.status : kUsage;
}

}  // namespace

void AddVectorsCommand(CLI::App& app, int* status) {
  CLI::App* vectors = app.add_subcommand("vectors", "vector files: `vectors run FILE...`");
  vectors->require_subcommand(1);
  CLI::App* run = vectors->add_subcommand("run", "run vector files, report each expectation");
  auto o = std::make_shared<VectorsOptions>();
  run->add_option("--dut", o->dut, "device under test (model, impl, impl-mutant-K, model-abi, impl-abi, qemu, PATH.so, exec:CMD)")
      ->check(DeviceName())
      ->capture_default_str();
  run->add_flag("--quiet", o->quiet, "print only failures, errors and the summary line");
  run->add_flag("--strict", o->strict,
                "also print, per expectation, how many outcomes the model allowed there");
  AddReportOptions(run, &o->reports);
  AddShrinkOptions(run, &o->shrink, &o->shrink_dir, "results/shrunk-DUT");
  run->add_option("FILE", o->files, "vector files (paths relative to the current directory)")
      ->type_name("FILE")
      ->required();
  run->footer(
      "Runs vector files (format: spec/vector-format.md) against a device and prints, per file,\n"
      "the expectations passed and failed, and for each failure its file:line with expected vs\n"
      "observed. A device other than the model runs in lockstep with the model.\n"
      "--strict adds, per expectation, how many outcomes the model allowed and how many of them\n"
      "the expectation accepts, so a reader sees where the architecture leaves room (with\n"
      "--quiet, only the expectations that allowed more than one).\n"
      "--shrink then shrinks each failing file (as `smmuref shrink` does) into --shrink-dir.\n"
      "exit status: 0 all expectations held, 1 some failed, 2 a file had bad input\n" +
      LimitsText());
  run->callback([o, status] { *status = RunVectors(*o); });
}

}  // namespace smmuref::cli
