// smmuref: command-line entry point. See `smmuref --help`.
// Exit status: 0 success; 1 a check failed (a vector expectation did not hold); 2 bad input or
// usage.
#include <cstdio>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <filesystem>
#include <string>
#include <vector>

#include "smmuref/conform/explain.h"
#include "smmuref/conform/runner.h"
#include "smmuref/spec/profile.h"

namespace {

using smmuref::conform::FileReport;
using smmuref::conform::RunOptions;

constexpr int kOk = 0, kFailed = 1, kUsage = 2;

const char kMainHelp[] =
    "smmuref - executable reference for the Arm SMMUv3 architecture and the IOMMU API\n"
    "\n"
    "usage: smmuref COMMAND [ARGS]     (every command takes --help)\n"
    "\n"
    "commands:\n"
    "  check               the main job: run every shipped vector against the model; summary\n"
    "  vectors run FILE... run vector files against a device and report each expectation\n"
    "  explain KIND HEX... decode an STE, CD, L1STD, L1CD, descriptor or event record by field\n"
    "                      name and name every rule that makes it illegal\n"
    "  profiles            list the built-in IDR profiles and their values\n"
    "\n"
    "exit status: 0 all passed, 1 a check failed, 2 bad input or usage\n";

const char kVectorsHelp[] =
    "usage: smmuref vectors run [--dut NAME] [--quiet] FILE...\n"
    "\n"
    "Runs vector files (format: spec/vector-format.md) against a device (default: model) and\n"
    "prints, per file, the expectations passed and failed, and for each failure its file:line\n"
    "with expected vs observed.\n"
    "  --dut NAME   device under test: model\n"
    "  --quiet      print only failures and the summary line\n"
    "exit status: 0 all expectations held, 1 some failed, 2 a file had bad input\n";

const char kExplainHelp[] =
    "usage: smmuref explain [--profile NAME] KIND DW0 [DW1 ...]\n"
    "\n"
    "KIND: ste (8 DWs), cd (8), l1std (1), l1cd (1), desc (stage-1 descriptor), desc2 (stage-2\n"
    "descriptor), event (4). Missing doublewords are zero. Prints every field by its spec name and,\n"
    "for STEs and CDs, every rule that makes the structure ILLEGAL under the profile\n"
    "(default: full).\n";

const char kCheckHelp[] =
    "usage: smmuref check [--corpus DIR] [--dut NAME]\n"
    "\n"
    "The main job: runs every shipped vector (corpus/vectors/**/*.vec) against the device\n"
    "(default: model) and prints a per-area summary. Not yet part of it: the optimized\n"
    "implementation and the differential campaign (not built yet).\n";

const char kProfilesHelp[] =
    "usage: smmuref profiles [NAME]\n"
    "\n"
    "Lists the built-in profiles, or the values of one profile (a name or a .profile path).\n";

bool WantsHelp(const std::vector<std::string>& a) {
  for (const auto& s : a) {
    if (s == "--help" || s == "-h") return true;
  }
  return false;
}

int UsageError(const std::string& msg, const char* help) {
  std::fprintf(stderr, "smmuref: %s\n\n%s", msg.c_str(), help);
  return kUsage;
}

void PrintReport(const FileReport& r, bool quiet) {
  if (r.error) {
    std::printf("ERROR %s\n  %s\n", r.path.c_str(), r.error_message.c_str());
    return;
  }
  if (r.failed == 0) {
    if (!quiet) std::printf("PASS  %s (%d expectations)\n", r.path.c_str(), r.passed);
    return;
  }
  std::printf("FAIL  %s (%d passed, %d failed)\n", r.path.c_str(), r.passed, r.failed);
  for (const auto& f : r.failures) std::printf("  %s: %s\n", f.where.c_str(), f.message.c_str());
}

struct Totals {
  int files = 0, passed = 0, failed = 0, errors = 0;
  void Add(const FileReport& r) {
    ++files;
    passed += r.passed;
    failed += r.failed;
    errors += r.error ? 1 : 0;
  }
  int Status() const { return errors ? kUsage : failed ? kFailed : kOk; }
};

int RunFiles(const std::vector<std::string>& files, const RunOptions& opts, bool quiet) {
  Totals t;
  for (const auto& f : files) {
    FileReport r = smmuref::conform::RunVectorPath(f, opts);
    PrintReport(r, quiet);
    t.Add(r);
  }
  std::printf("%d passed, %d failed\n", t.passed, t.failed);
  if (t.errors) std::printf("%d of %d files had bad input\n", t.errors, t.files);
  return t.Status();
}

int CmdVectors(std::vector<std::string> a) {
  if (WantsHelp(a)) return std::printf("%s", kVectorsHelp), kOk;
  if (a.empty() || a[0] != "run") return UsageError("expected 'vectors run'", kVectorsHelp);
  RunOptions opts;
  bool quiet = false;
  std::vector<std::string> files;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i] == "--dut") {
      if (i + 1 >= a.size()) return UsageError("--dut needs a name", kVectorsHelp);
      opts.dut = a[++i];
    } else if (a[i] == "--quiet") {
      quiet = true;
    } else if (a[i].rfind("--", 0) == 0) {
      return UsageError("unknown option " + a[i], kVectorsHelp);
    } else {
      files.push_back(a[i]);
    }
  }
  if (files.empty()) return UsageError("no vector files given", kVectorsHelp);
  return RunFiles(files, opts, quiet);
}

int CmdCheck(std::vector<std::string> a) {
  if (WantsHelp(a)) return std::printf("%s", kCheckHelp), kOk;
  std::string corpus = std::string(SMMUREF_SOURCE_DIR) + "/corpus/vectors";
  RunOptions opts;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] == "--corpus" || a[i] == "--dut") && i + 1 < a.size()) {
      (a[i] == "--corpus" ? corpus : opts.dut) = a[i + 1];
      ++i;
    } else {
      return UsageError("unknown argument " + a[i], kCheckHelp);
    }
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(corpus, ec)) return UsageError("no vector corpus at " + corpus, kCheckHelp);
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(corpus, ec); it != fs::end(it); ++it) {
    if (it->is_regular_file() && it->path().extension() == ".vec") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::printf("smmuref check: %zu vector files from %s against '%s'\n", files.size(),
              corpus.c_str(), opts.dut.c_str());
  std::map<std::string, Totals> areas;
  Totals all;
  for (const auto& f : files) {
    FileReport r = smmuref::conform::RunVectorPath(f, opts);
    if (r.error || r.failed) PrintReport(r, false);
    const std::string area = fs::path(f).parent_path().filename();
    areas[area].Add(r);
    all.Add(r);
  }
  std::printf("\n%-12s %6s %8s %7s\n", "area", "files", "passed", "failed");
  for (const auto& [area, t] : areas) {
    std::printf("%-12s %6d %8d %7d\n", area.c_str(), t.files, t.passed, t.failed + t.errors);
  }
  std::printf("\nnot modelled yet: caching (allowed sets hold the no-cache outcome only), "
              "non-coherent walks, stall, ATS/PRI, HTTU, 52-bit; the optimized implementation "
              "and the differential campaign are not built yet\n");
  std::printf("%d passed, %d failed\n", all.passed, all.failed);
  if (all.errors) std::printf("%d of %d files had bad input\n", all.errors, all.files);
  return all.Status();
}

int CmdExplain(std::vector<std::string> a) {
  if (WantsHelp(a)) return std::printf("%s", kExplainHelp), kOk;
  std::string profile_name = "full";
  std::vector<std::string> rest;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--profile") {
      if (i + 1 >= a.size()) return UsageError("--profile needs a name", kExplainHelp);
      profile_name = a[++i];
    } else {
      rest.push_back(a[i]);
    }
  }
  if (rest.size() < 2) return UsageError("expected KIND and at least one doubleword", kExplainHelp);
  std::vector<uint64_t> dws;
  for (size_t i = 1; i < rest.size(); ++i) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(rest[i].c_str(), &end, 0);
    if (errno || end == rest[i].c_str() || *end || rest[i][0] == '-') {
      return UsageError("not a 64-bit number: " + rest[i], kExplainHelp);
    }
    dws.push_back(v);
  }
  auto p = smmuref::spec::LoadProfile(profile_name);
  if (!p) return UsageError(p.error().ToString(), kExplainHelp);
  auto text = smmuref::conform::Explain(rest[0], dws, *p);
  if (!text) return UsageError(text.error().ToString(), kExplainHelp);
  std::printf("%s", text->c_str());
  return kOk;
}

int CmdProfiles(std::vector<std::string> a) {
  if (WantsHelp(a)) return std::printf("%s", kProfilesHelp), kOk;
  if (a.empty()) {
    for (const auto& n : smmuref::spec::BuiltinProfileNames()) std::printf("%s\n", n.c_str());
    return kOk;
  }
  auto p = smmuref::spec::LoadProfile(a[0]);
  if (!p) return UsageError(p.error().ToString(), kProfilesHelp);
  for (const auto& [k, v] : smmuref::spec::ProfileValues(*p)) {
    std::printf("%-14s %llu\n", k.c_str(), static_cast<unsigned long long>(v));
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::printf("%s", kMainHelp);
    return args.empty() ? kUsage : kOk;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "vectors") return CmdVectors(args);
  if (cmd == "check") return CmdCheck(args);
  if (cmd == "explain") return CmdExplain(args);
  if (cmd == "profiles") return CmdProfiles(args);
  return UsageError("unknown command '" + cmd + "'", kMainHelp);
}
