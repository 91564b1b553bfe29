// `smmuref shrink`: a failing vector file shrunk to a small one that fails the same way
// (conform/shrink.h), and `--shrink` of `vectors run` and `conform` (ShrinkFailingFiles).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "cli.h"
#include "smmuref/conform/campaign.h"
#include "smmuref/conform/shrink.h"
#include "smmuref/spec/input.h"

namespace smmuref::cli {

namespace {

namespace fs = std::filesystem;

struct ShrinkCommandOptions {
  std::string dut;
  std::string profile;
  std::string file;
  std::string out;
  uint64_t max_runs = conform::kDefaultShrinkRuns;
  double seconds = conform::kDefaultShrinkSeconds;
};

// Progress on stderr for shrinks that take more than a second.
std::function<void(size_t, uint64_t, double)> ShrinkProgress(const std::string& file) {
  return [file](size_t lines, uint64_t runs, double t) {
    std::fprintf(stderr, "shrinking %s: %zu lines after %llu candidate runs, %.1f s\n",
                 file.c_str(), lines, static_cast<unsigned long long>(runs), t);
  };
}

// Whether `out` can be written, before anything runs (a file that did not exist is not left).
std::string OutputProblem(const std::string& out) {
  std::error_code ec;
  const fs::path parent = fs::path(out).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return "-o: cannot create " + parent.string() + ": " + ec.message();
  if (fs::is_directory(out, ec)) return "-o: " + out + " is a directory";
  const bool existed = fs::exists(out, ec);
  std::FILE* f = std::fopen(out.c_str(), "a");
  if (!f) return "-o: cannot write " + out + ": " + std::strerror(errno);
  std::fclose(f);
  if (!existed) fs::remove(out, ec);
  return "";
}

int RunShrink(const ShrinkCommandOptions& o) {
  if (!o.out.empty()) {
    if (const std::string problem = OutputProblem(o.out); !problem.empty()) {
      std::fprintf(stderr, "smmuref shrink: %s\n", problem.c_str());
      return kUsage;
    }
  }
  auto text = spec::ReadTextFile(o.file, conform::kMaxVectorFileBytes, "vector file");
  if (!text) {
    std::fprintf(stderr, "smmuref shrink: %s\n", text.error().ToString().c_str());
    return kUsage;
  }
  conform::ShrinkOptions so;
  so.run.dut = o.dut;
  so.run.profile = o.profile;
  so.max_runs = o.max_runs;
  so.max_seconds = o.seconds;
  so.progress = ShrinkProgress(o.file);
  auto r = conform::ShrinkVector(*text, o.file, so);
  if (!r) {
    std::fprintf(stderr, "smmuref shrink: %s\n", r.error().ToString().c_str());
    return kUsage;
  }
  if (r->kept.kind == conform::FailureSignature::Kind::kNone) {
    std::printf("smmuref shrink: nothing to shrink: %s passes on %s\n", o.file.c_str(),
                o.dut.c_str());
    return kOk;
  }
  const std::string out = o.out.empty() ? "-" : o.out;
  if (o.out.empty()) {
    std::fputs(conform::ShrunkFileText(*r, o.dut, o.file, conform::ShrunkName(o.file)).c_str(), stdout);
  } else if (auto w = conform::WriteShrunk(*r, o.dut, o.file, o.out); !w) {
    std::fprintf(stderr, "smmuref shrink: %s\n", w.error().ToString().c_str());
    return kUsage;
  }
  std::fprintf(o.out.empty() ? stderr : stdout, "shrunk %s to %s: %s; failure kept: %s\n",
               o.file.c_str(), out.c_str(), conform::ShrinkNote(*r).c_str(),
               r->kept.ToString().c_str());
  return kFailed;  // the shrunk vector fails, as the file did
}

}  // namespace

std::string ShrinkDirProblem(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "--shrink-dir: cannot create " + dir + ": " + ec.message();
  const fs::path probe = fs::path(dir) / ".smmuref-write-test";
  std::FILE* f = std::fopen(probe.c_str(), "w");
  if (!f || std::fclose(f) != 0) return "--shrink-dir: cannot write in " + dir + ": " + std::strerror(errno);
  fs::remove(probe, ec);
  return "";
}

std::string DefaultShrinkDir(const std::string& results, const std::string& dut) {
  return (fs::path(results) / ("shrunk-" + conform::DutFolderName(dut))).string();
}

void ShrinkFailingFiles(const std::string& dut, const std::string& dir,
                        std::vector<conform::FileReport>* files) {
  for (conform::FileReport& f : *files) {
    if (!f.Failed() && !f.DeviceFailed()) continue;
    auto text = spec::ReadTextFile(f.path, conform::kMaxVectorFileBytes, "vector file");
    if (!text) continue;  // it was read moments ago; reported as it was
    conform::ShrinkOptions so;
    so.run.dut = dut;
    so.progress = ShrinkProgress(f.path);
    auto r = conform::ShrinkVector(*text, f.path, so);
    if (!r || r->kept.kind == conform::FailureSignature::Kind::kNone) {
      f.shrink_note = "not shrunk: " + (r ? "it passed when run again" : r.error().ToString());
    } else {
      const std::string out = (fs::path(dir) / conform::ShrunkName(f.path)).string();
      auto w = conform::WriteShrunk(*r, dut, f.path, out);
      if (w) {
        f.shrunk = out;
        f.shrink_note = conform::ShrinkNote(*r) + ", failure kept: " + r->kept.ToString();
      } else {
        f.shrink_note = "not shrunk: " + w.error().ToString();
      }
    }
    std::printf("  %s: %s%s\n", f.path.c_str(), f.shrunk.empty() ? "" : ("shrunk to " + f.shrunk + ", ").c_str(),
                f.shrink_note.c_str());
  }
}

void AddShrinkOptions(CLI::App* command, bool* shrink, std::string* dir,
                      const std::string& default_dir) {
  command->add_flag("--shrink", *shrink,
                    "shrink each failing vector file to a small one that fails the same way");
  command->add_option("--shrink-dir", *dir, "folder for the shrunk vectors (NAME.min.vec)")
      ->type_name("DIR")
      ->default_str(default_dir);
}

void AddShrinkCommand(CLI::App& app, int* status) {
  CLI::App* cmd = app.add_subcommand(
      "shrink", "shrink a failing vector file to a small one that fails the same way");
  auto o = std::make_shared<ShrinkCommandOptions>();
  cmd->add_option("--dut", o->dut, "device under test (model, impl, impl-mutant-K, PATH.so, exec:CMD)")
      ->check(DeviceName())
      ->required();
  cmd->add_option("--profile", o->profile,
                  "run every profile line on this profile (name or .profile path), as a campaign "
                  "on a DUT's profile does; it is written into the shrunk vector");
  cmd->add_option("--max-runs", o->max_runs, "at most this many candidate runs")
      ->transform(Number(1, UINT64_MAX))
      ->capture_default_str();
  cmd->add_option("--seconds", o->seconds, "at most this many seconds of shrinking")
      ->check(Seconds(kMaxSeconds))
      ->capture_default_str();
  cmd->add_option("-o,--output", o->out, "where to write the shrunk vector (default: stdout)")
      ->type_name("OUT");
  cmd->add_option("FILE", o->file, "a vector file that fails on the device")
      ->type_name("FILE")
      ->required();
  cmd->footer(
      "Runs FILE on the device (in lockstep with the model unless it is the model) and keeps its\n"
      "first failure: a disagreement or failed expectation with its check and rule id, or a\n"
      "device failure. Then it removes groups of lines (ddmin: halving chunks, a txn with its\n"
      "expect lines as one), zeroes numbers or clears their bits, merges memory writes and\n"
      "ranges and drops expectations, keeping every candidate that fails the same way (a\n"
      "candidate that fails otherwise, or is bad input, is rejected). The same file gives the\n"
      "same result unless --seconds stopped it. The shrunk vector starts with a comment naming\n"
      "the failure kept and the replay command: smmuref vectors run --dut DUT OUT.\n"
      "exit status: 1 shrunk (the shrunk vector fails), 0 FILE does not fail (nothing to\n"
      "shrink), 2 bad input (FILE stops on an error, or OUT cannot be written)\n" +
      LimitsText());
  cmd->callback([o, status] { *status = RunShrink(*o); });
}

}  // namespace smmuref::cli
