// `smmuref vectors run`: vector files on a device, one report line per file (spec/vector-format.md).
#include "cli.h"
#include "smmuref/conform/report.h"
#include "smmuref/conform/runner.h"

namespace smmuref::cli {

namespace {

struct VectorsOptions {
  std::string dut = "model";
  bool quiet = false;
  std::vector<std::string> files;
};

int RunVectors(const VectorsOptions& o) {
  conform::RunOptions opts;
  opts.dut = o.dut;
  conform::Totals t;
  for (const auto& f : o.files) {
    conform::FileReport r = conform::RunVectorPath(f, opts);
    std::fputs(conform::TextFileReport(r, o.quiet).c_str(), stdout);
    t.Add(r);
  }
  std::fputs(conform::TextTotals(t).c_str(), stdout);
  return t.Status();
}

}  // namespace

void AddVectorsCommand(CLI::App& app, int* status) {
  CLI::App* vectors = app.add_subcommand("vectors", "vector files: `vectors run FILE...`");
  vectors->require_subcommand(1);
  CLI::App* run = vectors->add_subcommand("run", "run vector files, report each expectation");
  auto o = std::make_shared<VectorsOptions>();
  run->add_option("--dut", o->dut, "device under test (model, impl, impl-mutant-K)")
      ->check(DeviceName())
      ->capture_default_str();
  run->add_flag("--quiet", o->quiet, "print only failures, errors and the summary line");
  run->add_option("FILE", o->files, "vector files (paths relative to the current directory)")
      ->required();
  run->footer(
      "Runs vector files (format: spec/vector-format.md) against a device and prints, per file,\n"
      "the expectations passed and failed, and for each failure its file:line with expected vs\n"
      "observed. A device other than the model runs in lockstep with the model.\n"
      "exit status: 0 all expectations held, 1 some failed, 2 a file had bad input\n" +
      LimitsText());
  run->callback([o, status] { *status = RunVectors(*o); });
}

}  // namespace smmuref::cli
