// Vector file reading: header, lines, tokens, numbers (spec/vector-format.md).
#include "smmuref/conform/vector.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace smmuref::conform {

spec::Result<VectorFile> ParseVectorText(const std::string& text, const std::string& path) {
  VectorFile f;
  f.path = path;
  int n = 0;
  bool header = false;
  std::vector<std::string> t;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    ++n;
    const size_t hash = static_cast<size_t>(
        std::find(text.begin() + static_cast<std::ptrdiff_t>(pos),
                  text.begin() + static_cast<std::ptrdiff_t>(eol), '#') - text.begin());
    std::string line = text.substr(pos, hash - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Tokens are separated by whitespace, as stream extraction would split them.
    t.clear();
    for (size_t i = 0; i < line.size();) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      size_t j = i;
      while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
      if (j > i) t.emplace_back(line, i, j - i);
      i = j;
    }
    if (t.empty()) continue;
    if (!header) {
      if (t.size() != 2 || t[0] != "smmuref-vectors") {
        return spec::Error{path + ":" + std::to_string(n),
                           "expected the header 'smmuref-vectors 1' as the first line"};
      }
      if (t[1] != "1") {
        return spec::Error{path + ":" + std::to_string(n),
                           "unsupported vector format version '" + t[1] + "' (this is v1)"};
      }
      header = true;
      continue;
    }
    VectorLine l;
    l.file = path;
    l.line = n;
    l.op = t[0];
    l.args.assign(t.begin() + 1, t.end());
    const size_t b = line.find_first_not_of(" \t");
    const size_t e = line.find_last_not_of(" \t");
    l.text = line.substr(b, e - b + 1);
    f.lines.push_back(std::move(l));
  }
  if (!header) return spec::Error{path + ":1", "empty file: expected 'smmuref-vectors 1'"};
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
  std::ifstream in(path, std::ios::binary);
  if (!in) return spec::Error{path, "cannot read vector file"};
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseVectorText(ss.str(), path);
}

spec::Result<uint64_t> ParseNumber(const VectorLine& l, const std::string& token) {
  const char* s = token.c_str();
  if (token.empty() || token[0] == '-' || token[0] == '+') {
    return spec::Error{l.Where(), "expected a number (0x.. or decimal), got '" + token + "'"};
  }
  errno = 0;
  char* end = nullptr;
  const int base = (token.size() > 1 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X'))
                       ? 16 : 10;
  unsigned long long v = std::strtoull(s, &end, base);
  if (errno == ERANGE) return spec::Error{l.Where(), "number '" + token + "' exceeds 64 bits"};
  if (end == s || *end != '\0') {
    return spec::Error{l.Where(), "expected a number (0x.. or decimal), got '" + token + "'"};
  }
  return static_cast<uint64_t>(v);
}

}  // namespace smmuref::conform
