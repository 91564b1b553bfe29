// Vector files (format v1, spec/vector-format.md): parsing into lines, and the interface through
// which a family of operations (`api.*` lines for the IOMMU API model) executes its lines.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "smmuref/spec/error.h"

namespace smmuref::conform {

// Limits on vector files (spec/vector-format.md, "Limits"; printed by `smmuref --help`). Past
// each, reading stops with an error naming file:line.
inline constexpr uint64_t kMaxVectorFileBytes = uint64_t{16} << 20;  // 16 MiB
inline constexpr size_t kMaxVectorLines = 1000000;
inline constexpr size_t kMaxVectorLineBytes = 4096;   // without the line ending
inline constexpr size_t kMaxVectorTokenBytes = 256;

// One non-blank, non-comment line of a vector file, split into whitespace-separated tokens
// (comments after '#' removed). `op` is the first token.
struct VectorLine {
  std::string file;
  int line = 0;
  std::string op;
  std::vector<std::string> args;
  std::string text;  // the line as written, without the comment
  std::string Where() const { return file + ":" + std::to_string(line); }
};

struct VectorFile {
  std::string path;
  std::vector<VectorLine> lines;  // excluding the header line
};

// Reads a vector file: checks the `smmuref-vectors 1` header, splits lines. Errors (a file that
// is not a regular file or is over the size limit, bytes that are not UTF-8 text, a line or token
// over its limit, a bad header) name the file and line.
spec::Result<VectorFile> ReadVectorFile(const std::string& path);
spec::Result<VectorFile> ParseVectorText(const std::string& text, const std::string& path);

// The file as vector text: the header, then each line's op and args separated by single spaces
// (comments, blank lines and the original spacing are not kept). Parsing the result gives the
// same ops and args (checked by fuzz/fuzz_vectors_parser.cc).
std::string PrintVectorFile(const VectorFile& file);

// Numbers: 0x.. hexadecimal or decimal (no octal), at most 64 bits (spec/input.h), with the line
// for errors. ParseNumberBits also requires the value to fit in `bits` bits and names `what`.
spec::Result<uint64_t> ParseNumber(const VectorLine& l, const std::string& token);
spec::Result<uint64_t> ParseNumberBits(const VectorLine& l, const std::string& token,
                                       unsigned bits, const std::string& what);

// What executing one line did.
struct LineResult {
  enum class Kind {
    kDone,   // an operation without an expectation
    kPass,   // an expectation that held (counts as one expectation)
    kFail,   // an expectation that did not hold (counts as one expectation)
  };
  Kind kind = Kind::kDone;
  std::string message;  // for kFail: expected vs observed, readable on its own
  // Disagreements between a DUT and the model found on the line (api.* lockstep), apart from
  // whether its expectation held.
  std::vector<std::string> mismatches;
};

// Executes the lines of one operation family, e.g. every line whose op starts with "api.".
// One executor instance lives for one vector file; its state is that file's state.
class LineExecutor {
 public:
  virtual ~LineExecutor() = default;
  // Bad input (unknown handle syntax, wrong argument count, bad number) is an Error naming
  // l.Where(); architectural or API results are never errors.
  virtual spec::Result<LineResult> Execute(const VectorLine& l) = 0;
};

}  // namespace smmuref::conform
