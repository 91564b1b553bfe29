// `smmuref conform`: a device under test (built in, a dut.h plug-in or an exec: process) on the
// shipped vectors or the given files, then the differential campaign restricted to the DUT's
// profile; the per-rule summary, JSON and JUnit (conform/check.h does the work).
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "../dut/dut_device.h"
#include "cli.h"
#include "smmuref/conform/check.h"
#include "smmuref/spec/regex.h"

namespace smmuref::cli {

namespace {

namespace fs = std::filesystem;

struct Options {
  conform::ConformOptions c;
  ReportFiles reports;
  bool quiet = false;
  double timeout = 10;
  bool shrink = false;     // --shrink: the failing vector files too
  std::string shrink_dir;  // empty: DefaultShrinkDir(--results, dut)
};

std::vector<std::string> Shipped() {
  std::vector<std::string> files;
  std::error_code ec;
  const std::string root = std::string(SMMUREF_SOURCE_DIR) + "/corpus/vectors";
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".vec") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The rule ids spec/rules.md defines ("- **R-AREA-NNN** ..." items).
std::vector<std::string> SpecRules() {
  std::ifstream in(std::string(SMMUREF_SOURCE_DIR) + "/spec/rules.md");
  std::vector<std::string> ids;
  const spec::Regex row(R"(^- \*\*(R-[A-Z0-9]+-[0-9]+)\*\*)");
  for (std::string line; std::getline(in, line);) {
    if (const auto m = row.Search(line)) ids.push_back((*m)[1]);
  }
  return ids;
}

int Run(Options o) {
  if (const std::string problem = OpenReportFiles(o.reports); !problem.empty()) {
    std::fprintf(stderr, "smmuref conform: %s\n", problem.c_str());
    return kUsage;
  }
  if (o.shrink_dir.empty()) o.shrink_dir = DefaultShrinkDir(o.c.camp.results_dir, o.c.dut);
  if (o.shrink) {
    if (const std::string problem = ShrinkDirProblem(o.shrink_dir); !problem.empty()) {
      std::fprintf(stderr, "smmuref conform: %s\n", problem.c_str());
      return kUsage;
    }
  }
  conform::dut::SetProcessTimeout(o.timeout);
  if (o.c.files.empty()) o.c.files = Shipped();
  std::printf("smmuref conform: %zu vector files on '%s' in lockstep with the model\n",
              o.c.files.size(), o.c.dut.c_str());
  o.c.on_file = [&](const conform::FileReport& f, size_t, size_t) {
    if (f.error || f.Failed()) std::fputs(conform::TextFileReport(f, o.quiet).c_str(), stdout);
    std::fflush(stdout);
  };
  auto r = conform::RunConform(o.c);
  if (!r) {
    std::fprintf(stderr, "smmuref conform: %s\n", r.error().ToString().c_str());
    return r.error().kind == spec::ErrorKind::kDeviceFailure ? kFailed : kUsage;
  }
  if (o.shrink) {
    ShrinkFailingFiles(o.c.dut, o.shrink_dir, &r->run.files);
  }
  std::fputs(conform::TextConformReport(*r, SpecRules()).c_str(), stdout);
  return WriteReportFiles(o.reports, r->run) ? r->run.status : kUsage;
}

}  // namespace

void AddConformCommand(CLI::App& app, int* status) {
  CLI::App* cmd = app.add_subcommand(
      "conform", "check a device under test: vectors, then a campaign on the DUT's profile");
  auto o = std::make_shared<Options>();
  o->c.camp.seconds = 0;
  o->c.camp.max_programs = 2000;
  cmd->add_option("--dut", o->c.dut,
                  "device under test: a built-in name (model, impl, or model-abi / impl-abi: the "
                  "same through dut.h), qemu, PATH.so (spec/include/smmuref/dut.h) or "
                  "exec:COMMAND (spec/dut-protocol.md)")
      ->check(DeviceName())
      ->required();
  cmd->add_option("--profile", o->c.profile,
                  "the campaign's profile (name or .profile path); default: the DUT's own");
  CLI::Option* seconds =
      cmd->add_option("--seconds", o->c.camp.seconds,
                      "campaign time limit in seconds (alone: instead of --programs)")
          ->check(Seconds(kMaxSeconds));
  CLI::Option* programs =
      cmd->add_option("--programs", o->c.camp.max_programs, "campaign length in programs")
          ->transform(Number(1, kMaxPrograms))
          ->capture_default_str();
  cmd->add_option("--seed", o->c.camp.seed, "campaign seed (the same seed replays the same programs)")
      ->transform(Number(0, UINT64_MAX))
      ->capture_default_str();
  cmd->add_option("--results", o->c.camp.results_dir, "folder for reproducers")
      ->type_name("DIR")
      ->capture_default_str();
  cmd->add_option("--dut-timeout", o->timeout, "seconds an exec: DUT may take for one line")
      ->check(Seconds(3600))
      ->capture_default_str();
  cmd->add_flag("--no-campaign", [o](int64_t) { o->c.campaign = false; }, "run the vectors only");
  cmd->add_flag("--quiet", o->quiet, "print only failures and the summary");
  cmd->add_flag("--no-shrink", [o](int64_t) { o->c.camp.shrink = false; },
                "do not shrink the campaign's reproducers");
  AddShrinkOptions(cmd, &o->shrink, &o->shrink_dir, "RESULTS/shrunk-DUT");
  AddReportOptions(cmd, &o->reports);
  cmd->add_option("FILE", o->c.files, "vector files (default: the shipped corpus/vectors)")
      ->type_name("FILE");
  cmd->footer(
      "Runs the vector files on the DUT in lockstep with the reference model, then a differential\n"
      "random campaign restricted to the DUT's profile. What the DUT says it does not implement is\n"
      "reported as such, apart from what it gets wrong; a DUT that crashes, hangs or breaks the\n"
      "protocol is a device failure and the next vector runs. Walkthrough: docs in README.md.\n"
      "The campaign's first " + std::to_string(conform::CampaignReport::kMaxShrunk) +
      " reproducers are shrunk to NAME.min.vec next to them (--no-shrink:\n"
      "not); --shrink also shrinks the failing vector files, into --shrink-dir.\n"
      "exit status: 0 nothing failed, 1 a check failed or the DUT failed, 2 bad input\n" +
      LimitsText());
  cmd->callback([o, status, seconds, programs] {
    if (seconds->count() > 0 && programs->count() == 0) o->c.camp.max_programs = 0;
    *status = Run(*o);
  });
}

}  // namespace smmuref::cli
