// Vector file reading: limits, encoding, header, lines, tokens, numbers (spec/vector-format.md).
// Tests: tests/conform/runner_test.cc, tests/badinput/badinput_test.cc,
// fuzz/fuzz_vectors_parser.cc.
#include "smmuref/conform/vector.h"

#include <string_view>

#include "smmuref/spec/format.h"
#include "smmuref/spec/input.h"

namespace smmuref::conform {

namespace {

spec::Error At(const std::string& path, size_t line, const std::string& what) {
  return spec::Error{path + ":" + std::to_string(line), what};
}

// The 1-based line and column of byte `offset`.
std::pair<size_t, size_t> LineColumn(const std::string& text, size_t offset) {
  size_t line = 1, start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') ++line, start = i + 1;
  }
  return {line, offset - start + 1};
}

// The line's tokens, as views into it (`t` is reused from line to line).
void Tokens(std::string_view line, std::vector<std::string_view>* t) {
  t->clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t b = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > b) t->push_back(line.substr(b, i - b));
  }
}

// Checks what applies to the whole text: size and bytes.
spec::Result<bool> CheckText(const std::string& text, const std::string& path) {
  if (text.size() > kMaxVectorFileBytes) {
    return spec::Error{path, "vector file is " + std::to_string(text.size()) +
                                 " bytes; the limit is " + std::to_string(kMaxVectorFileBytes)};
  }
  std::string why;
  const size_t bad = spec::FindBadByte(text, &why);
  if (bad != std::string::npos) {
    const auto [line, col] = LineColumn(text, bad);
    return At(path, line, "column " + std::to_string(col) + ": " + why +
                              "; expected UTF-8 text without control characters other than tab");
  }
  return true;
}

}  // namespace

spec::Result<VectorFile> ParseVectorText(const std::string& text, const std::string& path) {
  auto checked = CheckText(text, path);
  if (!checked) return checked.error();
  VectorFile f;
  f.path = path;
  size_t n = 0;
  bool header = false;
  std::vector<std::string_view> t;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view raw = std::string_view(text).substr(pos, eol - pos);
    pos = eol + 1;
    if (++n > kMaxVectorLines) {
      return At(path, n, "more than " + std::to_string(kMaxVectorLines) + " lines (the limit)");
    }
    if (raw.size() > kMaxVectorLineBytes) {
      return At(path, n, "line is " + std::to_string(raw.size()) + " bytes; the limit is " +
                             std::to_string(kMaxVectorLineBytes));
    }
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);  // CRLF line endings
    if (raw.find('\r') != std::string_view::npos) {
      return At(path, n, "a carriage return inside the line; expected LF or CRLF line endings");
    }
    const std::string_view line = raw.substr(0, raw.find('#'));
    Tokens(line, &t);
    if (t.empty()) continue;
    for (const auto& tok : t) {
      if (tok.size() > kMaxVectorTokenBytes) {
        return At(path, n, "a token of " + std::to_string(tok.size()) + " bytes; the limit is " +
                               std::to_string(kMaxVectorTokenBytes));
      }
    }
    if (!header) {
      if (t.size() != 2 || t[0] != "smmuref-vectors") {
        return At(path, n, "expected the header 'smmuref-vectors 1' as the first line");
      }
      if (t[1] != "1") {
        return At(path, n, "unsupported vector format version '" + std::string(t[1]) +
                               "' (this is v1)");
      }
      header = true;
      continue;
    }
    VectorLine l;
    l.file = path;
    l.line = static_cast<int>(n);
    l.op = t[0];
    l.args.reserve(t.size() - 1);
    for (size_t i = 1; i < t.size(); ++i) l.args.emplace_back(t[i]);
    const size_t b = line.find_first_not_of(" \t");
    const size_t e = line.find_last_not_of(" \t");
    l.text = line.substr(b, e - b + 1);
    f.lines.push_back(std::move(l));
  }
  if (!header) return At(path, 1, "empty file: expected 'smmuref-vectors 1'");
  return f;
}

std::string PrintVectorFile(const VectorFile& file) {
  std::string out = "smmuref-vectors 1\n";
  for (const VectorLine& l : file.lines) {
    out += l.op;
    for (const std::string& a : l.args) out += " " + a;
    out += "\n";
  }
  return out;
}

spec::Result<VectorFile> ReadVectorFile(const std::string& path) {
  auto text = spec::ReadTextFile(path, kMaxVectorFileBytes, "vector file");
  if (!text) return text.error();
  return ParseVectorText(*text, path);
}

spec::Result<uint64_t> ParseNumber(const VectorLine& l, const std::string& token) {
  uint64_t v = 0;
  std::string why;
  if (spec::ParseU64(token, &v, &why)) return v;
  if (why == "exceeds 64 bits") return spec::Error{l.Where(), "number '" + token + "' exceeds 64 bits"};
  return spec::Error{l.Where(), "expected a number (0x.. or decimal), got '" + token + "' (" + why + ")"};
}

spec::Result<uint64_t> ParseNumberBits(const VectorLine& l, const std::string& token,
                                       unsigned bits, const std::string& what) {
  auto v = ParseNumber(l, token);
  if (!v) return v;
  if (bits < 64 && (*v >> bits) != 0) {
    const std::string named = what.empty() || what.back() == '=' ? what + token : what + " " + token;
    return spec::Error{l.Where(), named + " exceeds " + std::to_string(bits) +
                                      (bits == 1 ? " bit" : " bits") + " (at most " +
                                      spec::Hex((uint64_t{1} << bits) - 1) + ")"};
  }
  return v;
}

}  // namespace smmuref::conform
