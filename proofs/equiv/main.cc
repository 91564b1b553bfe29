// smmuref_prove: runs the proof catalogue (registry.h) and prints one line per proof:
//   ID  VERDICT  SECONDS  WIDTH
// A wrong variant passes when it yields a counterexample, which is printed as decoded fields
// (and written as a vector with --vectors DIR). Exit status: 0 every proof as expected, 1 some
// proof was not (a counterexample of a real proof, an unknown, a timeout), 2 usage.
//   smmuref prove [--only PREFIX] [--list] [--dump-smt2 DIR] [--vectors DIR] [--rlimit N]
//                 [--timeout-ms N] [--quiet] [--verbose]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "proofs/equiv/registry.h"

namespace {

const char kHelp[] =
    "usage: smmuref prove [--only PREFIX] [--list] [--dump-smt2 DIR] [--vectors DIR]\n"
    "                     [--rlimit N] [--timeout-ms N] [--quiet] [--verbose]\n"
    "\n"
    "Runs the Z3 proofs that the engine's kernels (the source that ships) meet the encodings of\n"
    "the model, one line each: id, verdict, seconds, and what is symbolic (full width or the\n"
    "stated bound). Wrong variants (ids ending in /wrong) must yield a counterexample, printed\n"
    "as decoded fields.\n"
    "  --only PREFIX    only the proofs whose id is PREFIX or lies under it (PREFIX/...)\n"
    "  --list           list the ids and exit\n"
    "  --dump-smt2 DIR  write each query as DIR/ID.smt2 (z3 FILE answers unsat for proved)\n"
    "  --vectors DIR    write each counterexample that has one as DIR/ID.vec\n"
    "  --rlimit N       per-proof budget in Z3 resource units (default 40000000); when it\n"
    "                   runs out the verdict is unknown. Units, not seconds, decide: a verdict\n"
    "                   never depends on the machine's speed or load (the M column is units/10^6)\n"
    "  --timeout-ms N   wall-clock guard against a hang (default 120000); also unknown\n"
    "  --quiet          print counterexamples only for unexpected verdicts\n"
    "  --verbose        print the time of each part of a proof and the assumptions it used\n"
    "exit status: 0 every proof as expected, 1 some proof was not, 2 usage\n";

bool Matches(const std::string& id, const std::string& only) {
  if (only.empty()) return true;
  if (id == only) return true;
  return id.rfind(only, 0) == 0 && (only.back() == '/' || id[only.size()] == '/');
}

}  // namespace

int main(int argc, char** argv) {
  using namespace smmuref::proofs;
  std::string only, vectors;
  bool list = false, quiet = false, verbose = false;
  ProveOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "smmuref prove: %s needs a value\n", name);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    } else if (a == "--only") {
      only = value("--only");
    } else if (a == "--list") {
      list = true;
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else if (a == "--dump-smt2") {
      options.dump_dir = value("--dump-smt2");
    } else if (a == "--vectors") {
      vectors = value("--vectors");
    } else if (a == "--rlimit") {
      const std::string v = value("--rlimit");
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0) {
        std::fprintf(stderr, "smmuref prove: --rlimit needs a positive number, got '%s'\n", v.c_str());
        return 2;
      }
      options.rlimit = n;
    } else if (a == "--timeout-ms") {
      const std::string v = value("--timeout-ms");
      char* end = nullptr;
      const unsigned long n = std::strtoul(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0) {
        std::fprintf(stderr, "smmuref prove: --timeout-ms needs a positive number, got '%s'\n", v.c_str());
        return 2;
      }
      options.timeout_ms = static_cast<unsigned>(n);
    } else {
      std::fprintf(stderr, "smmuref prove: unknown argument '%s'\n%s", a.c_str(), kHelp);
      return 2;
    }
  }
  int ran = 0, failed = 0;
  double total = 0;
  for (const ProofCase& c : AllProofs()) {
    if (!Matches(c.id, only)) continue;
    if (list) {
      std::printf("%s\n", c.id.c_str());
      ++ran;
      continue;
    }
    const ProofResult r = c.run(options);
    const bool ok = AsExpected(c, r);
    ++ran;
    failed += ok ? 0 : 1;
    total += r.seconds;
    std::string verdict = VerdictName(r.verdict);
    if (r.verdict == Verdict::kUnknown) verdict += " (" + r.reason + ")";
    if (c.wrong) verdict += ok ? " (wrong variant, as expected)" : " (wrong variant NOT caught)";
    std::printf("%-28s %-44s %7.2f s %6.1fM  %s\n", c.id.c_str(), verdict.c_str(), r.seconds,
                r.rlimit / 1e6, c.width.c_str());
    if (verbose) {
      for (const auto& [part, seconds] : r.parts) std::printf("    part %-20s %7.2f s\n", part.c_str(), seconds);
      for (const std::string& rule : r.core) std::printf("    assumed: %s\n", rule.c_str());
    }
    if (r.verdict == Verdict::kCounterexample && (!quiet || !ok)) {
      std::printf("%s", c.describe ? c.describe(r).c_str() : DescribeInputs(r).c_str());
    }
    if (r.verdict == Verdict::kCounterexample && c.vector && c.wrong) {
      const std::string text = c.vector(r);
      if (!vectors.empty()) {
        std::filesystem::create_directories(vectors);
        std::string file = c.id;
        for (char& ch : file) ch = ch == '/' ? '_' : ch;
        const std::string path = (std::filesystem::path(vectors) / (file + ".vec")).string();
        std::ofstream(path) << text;
        std::printf("  vector: %s\n", path.c_str());
      }
      const std::string replay = ReplayVector(c, text);
      std::printf("  vector replay: %s\n",
                  replay.empty() ? (c.mutant ? ("passes on model and impl, fails on impl-mutant-" +
                                                std::to_string(c.mutant)).c_str()
                                             : "passes on model and impl")
                                 : ("NOT AS EXPECTED\n" + replay).c_str());
      if (!replay.empty()) ++failed;
    }
    std::fflush(stdout);
  }
  if (list) return ran == 0 ? 2 : 0;
  if (ran == 0) {
    std::fprintf(stderr, "smmuref prove: no proof matches '%s'\n", only.c_str());
    return 2;
  }
  std::printf("%d proofs, %d not as expected, %.1f s\n", ran, failed, total);
  return failed == 0 ? 0 : 1;
}
