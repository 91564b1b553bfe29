// Argument parsing of the canned questions (ask_args.h); numbers as in spec/vector-format.md.
// Tests: tests/proofs/query_test.cc
#include "ask_args.h"

#include <algorithm>

#include "smmuref/spec/input.h"

namespace smmuref::proofs {

spec::Result<AskArgs> ParseAskArgs(const std::vector<std::string>& words,
                                   const std::vector<std::string>& known) {
  AskArgs a;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 2 && w.compare(0, 2, "--") == 0) {
      if (std::find(known.begin(), known.end(), w) == known.end()) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        return spec::Error{"", "unknown option '" + w + "' (options: " + (list.empty() ? "none" : list) + ")"};
      }
      if (i + 1 >= words.size()) return spec::Error{"", w + " needs a value"};
      a.options[w] = words[++i];
      continue;
    }
    a.positional.push_back(w);
  }
  return a;
}

spec::Result<uint64_t> AskNumber(const std::string& what, const std::string& word, uint64_t max) {
  uint64_t v = 0;
  std::string why;
  if (!spec::ParseU64(word, &v, &why)) return spec::Error{"", what + ": " + why};
  if (v > max) return spec::Error{"", what + " is at most " + std::to_string(max) + ", got " + word};
  return v;
}

spec::Result<spec::Profile> AskProfile(const AskArgs& a) {
  auto it = a.options.find("--profile");
  auto p = spec::LoadProfile(it == a.options.end() ? "full" : it->second);
  if (!p) return spec::Error{"", "--profile: " + p.error().ToString()};
  return *p;
}

spec::Result<std::vector<uint64_t>> AskWords(const AskArgs& a, size_t from, size_t n,
                                             const std::string& what) {
  if (a.positional.size() != from + n) {
    const size_t got = a.positional.size() > from ? a.positional.size() - from : 0;
    return spec::Error{"", what + " needs exactly " + std::to_string(n) + " doublewords, got " +
                               std::to_string(got)};
  }
  std::vector<uint64_t> w;
  for (size_t i = from; i < a.positional.size(); ++i) {
    auto v = AskNumber(what + " doubleword " + std::to_string(i - from), a.positional[i]);
    if (!v) return v.error();
    w.push_back(*v);
  }
  return w;
}

}  // namespace smmuref::proofs
