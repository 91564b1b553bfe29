// Fuzzing of vector-file reading (conform/src/vector.cc, spec/vector-format.md). Claims checked on
// every input:
//   1. ParseVectorText never crashes; bad input is an Error naming file:line.
//   2. A parsed file round-trips: PrintVectorFile then ParseVectorText gives the same lines
//      (op and args, in order).
//   3. A file that parses is text: no NUL and no control character other than tab, CR and LF.
// Running the parsed files on the model is fuzz_vectors_runner's claim (fuzz/fuzz_vectors_runner.cc):
// a target doing both ran at about 1,000-2,200 executions per second, this one alone at about
// 4,800 per CPU second (fuzz/README.md, "Throughput").
// Mutations: fuzz/fuzz_vectors_parser.dict (-dict=) and the grammar-aware custom mutator of
// fuzz/vector_mutator.h. Replayed over corpus/fuzz/fuzz_vectors_parser/ by ctest
// (fuzz/replay/vectors_parser).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "smmuref/conform/vector.h"
#include "vector_mutator.h"

namespace {

using smmuref::conform::VectorFile;

[[noreturn]] void Die(const char* why, const std::string& text, const std::string& printed) {
  std::fprintf(stderr, "fuzz_vectors_parser: %s\n---- input ----\n%s\n---- printed ----\n%s\n",
               why, text.c_str(), printed.c_str());
  std::abort();
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
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return smmuref::fuzz::MutateVectorText(data, size, max_size, seed);
}
