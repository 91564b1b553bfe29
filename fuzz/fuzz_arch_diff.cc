// Differential fuzzing of the optimized engine (impl/arch) against the reference model: the
// input bytes are the choices of the random program generator (conform/progen.h), its focus
// first, so every input is a program of the campaign's kind (stream tables, STEs, CDs, page
// tables on a random profile, then translations, changes, aborts and queue errors with or without
// the required invalidations). The program runs on the impl in lockstep with the model
// (conform/src/lockstep.cc), which checks in the house oracle order: both fault or neither, the
// same event record, then the same observation; the impl's outcome must be one the model allows.
//
// On a mismatch: print the failures and the whole program (a replayable vector), then abort.
// The model's allowed-set bound (R-CACHE-009) ends a program with a logged reason, never a
// finding. A generated program the runner rejects as bad input is a generator bug: abort.
// Without impl/ the program runs on the model alone (still: no crash, no rejected program).
// SMMUREF_FUZZ_DUT=NAME fuzzes another built-in device (an impl-mutant-K: a planted engine bug,
// impl/arch/mutant.cc), which the campaign's tests use to see a finding classified as an impl
// bug. With SMMUREF_FUZZ_PROGRAM_OUT=FILE each program is written to FILE before it runs, so that a
// campaign's report (fuzz/campaign.py) has the vector of a finding even when the finding is a
// sanitizer report or a crash.
// Replayed over corpus/fuzz/fuzz_arch_diff/ by ctest (fuzz/replay/arch_diff); see fuzz/README.md.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "smmuref/conform/progen.h"
#include "smmuref/conform/runner.h"
#include "smmuref/conform/vector.h"
#include "bytes_random.h"
#include "rule_coverage.h"

namespace {

using smmuref::conform::FileReport;

#ifdef SMMUREF_HAVE_IMPL
constexpr const char* kDut = "impl";
#else
constexpr const char* kDut = "model";
#endif

const char* Dut() {
  static const char* const dut = std::getenv("SMMUREF_FUZZ_DUT");
  return dut != nullptr && *dut != '\0' ? dut : kDut;
}

void SaveProgram(const std::string& program) {
  static const char* const path = std::getenv("SMMUREF_FUZZ_PROGRAM_OUT");
  if (path == nullptr) return;
  std::FILE* f = std::fopen(path, "w");
  if (f == nullptr) {
    std::fprintf(stderr, "fuzz_arch_diff: cannot write SMMUREF_FUZZ_PROGRAM_OUT=%s\n", path);
    std::abort();
  }
  std::fwrite(program.data(), 1, program.size(), f);
  std::fclose(f);
}

[[noreturn]] void Report(const char* what, const FileReport& rep, const std::string& program) {
  std::fprintf(stderr, "fuzz_arch_diff: %s (dut %s)\n", what, Dut());
  for (const auto& f : rep.failures) {
    std::fprintf(stderr, "  %s: %s\n", f.where.c_str(), f.message.c_str());
  }
  if (rep.error) std::fprintf(stderr, "  %s\n", rep.error_message.c_str());
  std::fprintf(stderr,
               "---- the program (a vector: save it under corpus/regressions/ and replay with "
               "'smmuref vectors run --dut %s FILE') ----\n%s---- end of program ----\n",
               Dut(), program.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  smmuref::conform::GenOptions opts;
  opts.ops = fdp.ConsumeIntegralInRange<int>(1, 60);
  opts.focus = static_cast<smmuref::conform::Focus>(
      fdp.ConsumeIntegralInRange<int>(0, smmuref::conform::kFocusCount - 1));
  smmuref::fuzz::BytesRandom rnd(fdp);
  const std::string program = smmuref::conform::GenerateProgram(rnd, opts);
  SaveProgram(program);

  auto file = smmuref::conform::ParseVectorText(program, "fuzz_arch_diff.vec");
  if (!file) {
    FileReport rep;
    rep.error = true;
    rep.error_message = "generator produced an unparsable program: " + file.error().ToString();
    Report("generator bug", rep, program);
  }
  smmuref::conform::RunOptions ro;
  ro.dut = Dut();
  const smmuref::fuzz::RuleCoverageScope rule_coverage;  // SMMUREF_RULE_COVERAGE (rule_coverage.h)
  const FileReport rep = smmuref::conform::RunVectorFile(*file, ro);
  if (rep.Failed()) Report("the device under test disagrees with the model", rep, program);
  if (rep.error && rep.bound) {
    static bool logged = false;  // once per process: bounded programs are expected, not findings
    if (!logged) {
      std::fprintf(stderr, "fuzz_arch_diff: a program ended at the model's bound (logged once): %s\n",
                   rep.error_message.c_str());
      logged = true;
    }
    return 0;
  }
  if (rep.error) Report("generator bug: the runner rejected a generated program", rep, program);
  return 0;
}
