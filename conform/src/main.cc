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

#include "smmuref/conform/campaign.h"
#include "smmuref/conform/device.h"
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
    "  check               the main job: shipped vectors and a differential campaign, impl vs model\n"
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
    "usage: smmuref check [--seconds N] [--seed S] [--dut NAME] [--corpus DIR] [--results DIR]\n"
    "\n"
    "The main job. 1) Runs every shipped vector (corpus/vectors/**/*.vec) on the device (default:\n"
    "impl, the optimized implementation) in lockstep with the reference model: expectations must\n"
    "hold and every outcome must be one the model allows. 2) Runs a differential random campaign\n"
    "for N seconds (default 20): generated programs (random profiles, stream tables, STEs, CDs,\n"
    "page tables, remaps and rewrites with and without invalidations), live progress on stderr.\n"
    "Each mismatch is written as a replayable vector under DIR (default: results/).\n"
    "  --seed S     campaign seed (default 1); the same seed replays the same programs\n"
    "  --programs K stop the campaign after K programs instead of after N seconds\n"
    "  --dut NAME   impl (default), model, or impl-mutant-K (deliberately wrong variants)\n"
    "exit status: 0 all passed, 1 a vector failed or a mismatch was found, 2 bad input\n";

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
  smmuref::conform::CampaignOptions camp;
  const auto devices = smmuref::conform::DeviceNames();
  camp.dut = std::find(devices.begin(), devices.end(), "impl") != devices.end() ? "impl" : "model";
  for (size_t i = 0; i < a.size(); ++i) {
    const bool has_value = i + 1 < a.size();
    if (a[i] == "--corpus" && has_value) {
      corpus = a[++i];
    } else if (a[i] == "--dut" && has_value) {
      camp.dut = a[++i];
    } else if (a[i] == "--results" && has_value) {
      camp.results_dir = a[++i];
    } else if (a[i] == "--programs" && has_value) {
      const std::string& v = a[++i];
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (end == v.c_str() || *end || n <= 0) return UsageError("--programs needs a positive count", kCheckHelp);
      camp.max_programs = static_cast<int>(n);
    } else if ((a[i] == "--seconds" || a[i] == "--seed") && has_value) {
      char* end = nullptr;
      errno = 0;
      const std::string& v = a[++i];
      const double d = std::strtod(v.c_str(), &end);
      if (errno || end == v.c_str() || *end || d < 0 || v[0] == '-') {
        return UsageError(a[i - 1] + " needs a non-negative number, got '" + v + "'", kCheckHelp);
      }
      if (a[i - 1] == "--seconds") camp.seconds = d;
      else camp.seed = std::strtoull(v.c_str(), nullptr, 0);
    } else {
      return UsageError("unknown argument " + a[i], kCheckHelp);
    }
  }
  if (std::find(devices.begin(), devices.end(), camp.dut) == devices.end()) {
    return UsageError("unknown device '" + camp.dut + "'", kCheckHelp);
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(corpus, ec)) return UsageError("no vector corpus at " + corpus, kCheckHelp);
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(corpus, ec); it != fs::end(it); ++it) {
    if (it->is_regular_file() && it->path().extension() == ".vec") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());

  // Phase 1: every shipped vector on the device (in lockstep with the model unless it is the model).
  std::printf("smmuref check: %zu vector files from %s on '%s'%s\n", files.size(), corpus.c_str(),
              camp.dut.c_str(), camp.dut == "model" ? "" : " in lockstep with the model");
  RunOptions opts;
  opts.dut = camp.dut;
  std::map<std::string, Totals> areas;
  Totals all;
  int vector_mismatches = 0;
  for (const auto& f : files) {
    FileReport r = smmuref::conform::RunVectorPath(f, opts);
    if (r.error || r.failed) PrintReport(r, false);
    vector_mismatches += r.mismatches;
    areas[fs::path(f).parent_path().filename()].Add(r);
    all.Add(r);
  }
  std::printf("\n%-12s %6s %8s %7s\n", "area", "files", "passed", "failed");
  for (const auto& [area, t] : areas) {
    std::printf("%-12s %6d %8d %7d\n", area.c_str(), t.files, t.passed, t.failed + t.errors);
  }
  std::printf("vectors: %d passed, %d failed (%d of them model/%s disagreements)\n", all.passed,
              all.failed, vector_mismatches, camp.dut.c_str());

  // Phase 2: the differential random campaign.
  smmuref::conform::CampaignReport rep;
  if (camp.dut != "model" && (camp.seconds > 0 || camp.max_programs > 0)) {
    if (camp.max_programs > 0) {
      std::printf("\ndifferential campaign: %s vs model for %d programs, seed %llu\n",
                  camp.dut.c_str(), camp.max_programs, static_cast<unsigned long long>(camp.seed));
    } else {
      std::printf("\ndifferential campaign: %s vs model for %.0f s, seed %llu\n", camp.dut.c_str(),
                  camp.seconds, static_cast<unsigned long long>(camp.seed));
    }
    std::fflush(stdout);
    rep = smmuref::conform::RunCampaign(camp);
    std::printf("programs %llu, translations %llu, distinct outcomes %zu, rule ids exercised %zu, "
                "programs ended by the allowed-set bound %llu, programs with a mismatch %llu (%.1f s)\n",
                static_cast<unsigned long long>(rep.programs),
                static_cast<unsigned long long>(rep.translations), rep.observations.size(),
                rep.rules.size(), static_cast<unsigned long long>(rep.bounded),
                static_cast<unsigned long long>(rep.mismatches), rep.elapsed);
    if (!rep.first_bound_reason.empty()) std::printf("  bound, first case: %s\n", rep.first_bound_reason.c_str());
    for (size_t i = 0; i < rep.mismatch_files.size(); ++i) {
      std::printf("  MISMATCH written to %s\n    %s\n", rep.mismatch_files[i].c_str(),
                  i < rep.mismatch_summaries.size() ? rep.mismatch_summaries[i].c_str() : "");
    }
  } else if (camp.dut == "model") {
    std::printf("\ndifferential campaign: not run (the device is the model itself)\n");
  }
  std::printf("\nnot modelled: stall, ATS/PRI, HTTU, 52-bit addressing, VMSAv8-32, Secure state, "
              "per-doubleword tearing (spec/rules.md)\n");
  if (rep.mismatches > rep.mismatch_files.size()) {
    std::printf("  (%llu more mismatching programs not written)\n",
                static_cast<unsigned long long>(rep.mismatches - rep.mismatch_files.size()));
  }
  const bool failed = all.failed > 0 || rep.mismatches > 0;
  std::printf("%s\n", failed ? "check: FAILED" : "check: passed");
  if (all.errors) return kUsage;
  return failed ? kFailed : kOk;
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
