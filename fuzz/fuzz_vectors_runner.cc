// Fuzzing of the vector runner (conform/src/runner.cc) on arbitrary vector files. Claims checked on
// every input that parses (the parser's own claims are fuzz_vectors_parser's):
//   1. Running the file on the model never crashes, hangs (libFuzzer -timeout) or grows without
//      bound (-rss_limit_mb): bad lines stop the file with an error, failed expectations are
//      reported, and an error always has a message. Inputs over 4 KB or 200 lines are skipped, and
//      so are files naming a profile by path (this target fuzzes the runner, not the file system).
//   2. The rule ids the run exercised are exported under SMMUREF_RULE_COVERAGE (rule_coverage.h),
//      for the campaign report's "rule ids exercised".
// Mutations: fuzz/fuzz_vectors_runner.dict (-dict=) and the grammar-aware custom mutator of
// fuzz/vector_mutator.h. Replayed over corpus/fuzz/fuzz_vectors_runner/ by ctest
// (fuzz/replay/vectors_runner, fuzz/replay/rule-ids/vectors_runner).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "smmuref/conform/runner.h"
#include "smmuref/conform/vector.h"
#include "rule_coverage.h"
#include "vector_mutator.h"

namespace {

using smmuref::conform::VectorFile;

constexpr size_t kMaxRunBytes = 4096;
constexpr size_t kMaxRunLines = 200;

[[noreturn]] void Die(const char* why, const std::string& text) {
  std::fprintf(stderr, "fuzz_vectors_runner: %s\n---- input ----\n%s\n", why, text.c_str());
  std::abort();
}

bool NamesProfilePath(const VectorFile& f) {
  for (const auto& l : f.lines) {
    if (l.op != "profile" || l.args.empty()) continue;
    const std::string& n = l.args[0];
    if (n.find('/') != std::string::npos || n.find(".profile") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string text = fdp.ConsumeRemainingBytesAsString();
  if (text.size() > kMaxRunBytes) return 0;
  const auto parsed = smmuref::conform::ParseVectorText(text, "fuzz.vec");
  if (!parsed) return 0;
  const VectorFile& file = *parsed;
  if (file.lines.size() > kMaxRunLines || NamesProfilePath(file)) return 0;
  smmuref::conform::RunOptions ro;
  ro.dut = "model";
  const smmuref::fuzz::RuleCoverageScope rule_coverage;  // SMMUREF_RULE_COVERAGE (rule_coverage.h)
  const auto rep = smmuref::conform::RunVectorFile(file, ro);
  if (rep.error && rep.error_message.empty()) Die("runner error without a message", text);
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return smmuref::fuzz::MutateVectorText(data, size, max_size, seed);
}
