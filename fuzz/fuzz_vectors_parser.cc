// Fuzzing of vector-file reading (conform/src/vector.cc, spec/vector-format.md) and of the runner
// on arbitrary files. Claims checked on every input:
//   1. ParseVectorText never crashes; bad input is an Error naming file:line.
//   2. A parsed file round-trips: PrintVectorFile then ParseVectorText gives the same lines
//      (op and args, in order).
//   3. Running a parsed file on the model never crashes, hangs (libFuzzer -timeout) or grows
//      without bound (-rss_limit_mb): bad lines stop the file with an error, failed expectations
//      are reported. Inputs over 4 KB or 200 lines skip this step, and so do files naming a
//      profile by path (this target fuzzes the runner, not the file system).
//   4. A file that parses is text: no NUL and no control character other than tab, CR and LF.
// Mutations: fuzz/fuzz_vectors_parser.dict (-dict=) and the grammar-aware custom mutator of
// fuzz/vector_mutator.h. Replayed over corpus/fuzz/fuzz_vectors_parser/ by ctest
// (fuzz/replay/vectors_parser).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

[[noreturn]] void Die(const char* why, const std::string& text, const std::string& printed) {
  std::fprintf(stderr, "fuzz_vectors_parser: %s\n---- input ----\n%s\n---- printed ----\n%s\n",
               why, text.c_str(), printed.c_str());
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
  auto parsed = smmuref::conform::ParseVectorText(text, "fuzz.vec");
  if (!parsed) {
    if (parsed.error().where.rfind("fuzz.vec:", 0) != 0) {
      Die(("error does not name file:line: " + parsed.error().ToString()).c_str(), text, "");
    }
    return 0;
  }
  const VectorFile& file = *parsed;
  for (unsigned char c : text) {
    if (c == 0 || c == 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n')) {
      Die("a file holding a NUL or control byte was accepted", text, "");
    }
  }

  const std::string printed = smmuref::conform::PrintVectorFile(file);
  auto again = smmuref::conform::ParseVectorText(printed, "printed.vec");
  if (!again) Die(("printed file does not parse: " + again.error().ToString()).c_str(), text, printed);
  if (again->lines.size() != file.lines.size()) Die("round trip changed the line count", text, printed);
  for (size_t i = 0; i < file.lines.size(); ++i) {
    const auto& a = file.lines[i];
    const auto& b = again->lines[i];
    if (a.op != b.op || a.args != b.args) {
      Die(("round trip changed line " + std::to_string(a.line) + ": '" + a.text + "'").c_str(),
          text, printed);
    }
  }

  if (text.size() > kMaxRunBytes || file.lines.size() > kMaxRunLines || NamesProfilePath(file)) {
    return 0;
  }
  smmuref::conform::RunOptions ro;
  ro.dut = "model";
  const smmuref::fuzz::RuleCoverageScope rule_coverage;  // SMMUREF_RULE_COVERAGE (rule_coverage.h)
  const auto rep = smmuref::conform::RunVectorFile(file, ro);
  if (rep.error && rep.error_message.empty()) Die("runner error without a message", text, printed);
  return 0;
}

// libFuzzer's byte-level mutator; absent (null) in the replay build, which never mutates.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) __attribute__((weak));

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  if (LLVMFuzzerMutate && seed % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  smmuref::fuzz::VectorMutator m(seed);
  const std::string out = m.Mutate(std::string(reinterpret_cast<const char*>(data), size));
  const size_t n = out.size() < max_size ? out.size() : max_size;
  std::memcpy(data, out.data(), n);
  return n;
}
