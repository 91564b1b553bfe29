// Every rule of spec/rules-api.md cites the Linux function it mirrors and the versions, in the
// fixed form the file's preamble defines, and every knob value of spec/api-knobs.md names the
// versions (or the seed, RFC or decision) it stands for. Tests the documents themselves.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "smmuref/spec/regex.h"

namespace {

std::string ReadSpec(const char* name) {
  std::ifstream in(std::string(SMMUREF_SOURCE_DIR) + "/spec/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  for (size_t at = 0;;) {
    const size_t next = s.find(sep, at);
    out.push_back(s.substr(at, next - at));
    if (next == std::string::npos) return out;
    at = next + sep.size();
  }
}

// `function[, function...], vX.Y[.y][+|-vA.B]` or `function, RFC YYYY`, then anything.
const smmuref::spec::Regex kFunctionCitation(
    R"(^[A-Za-z_][A-Za-z0-9_]*(, [A-Za-z_][A-Za-z0-9_]*)*, )"
    R"((v[0-9]+\.[0-9]+(\.y)?(\+|-v[0-9]+\.[0-9]+)?|RFC [0-9]{4})([ ,:(].*)?$)");
// `decision: why` or `decision for what: why`, a seed, or a commit id.
const smmuref::spec::Regex kOtherCitation(R"(^(decision( for [^:]+)?: .+|seed [0-9]{3}|[0-9a-f]{12})$)");
const smmuref::spec::Regex kRuleLine(R"(^- \*\*(R-[A-Z]+-[0-9]{3})\*\* (.*)$)");

TEST(RulesCitation, EveryApiRuleNamesItsFunctionAndVersions) {
  std::istringstream in(ReadSpec("rules-api.md"));
  int rules = 0;
  std::string bad;
  for (std::string line; std::getline(in, line);) {
    const auto m = kRuleLine.Match(line);
    if (!m) {
      EXPECT_EQ(line.rfind("- **R-", 0), std::string::npos) << "malformed rule line: " << line;
      continue;
    }
    ++rules;
    const std::string id = (*m)[1], text = (*m)[2];
    const size_t open = text.rfind('[');
    if (text.empty() || text.back() != ']' || open == std::string::npos) {
      bad += "\n" + id + ": no citation list at the end";
      continue;
    }
    int functions = 0;
    for (const std::string& c : Split(text.substr(open + 1, text.size() - open - 2), "; ")) {
      if (kFunctionCitation.Matches(c)) {
        ++functions;
      } else if (!kOtherCitation.Matches(c)) {
        bad += "\n" + id + ": citation '" + c + "' is not function+version, decision, seed or commit";
      }
    }
    if (functions == 0) bad += "\n" + id + ": names no Linux function with its versions";
  }
  EXPECT_GT(rules, 90);
  EXPECT_EQ(bad, "") << bad;
}

TEST(RulesCitation, EveryKnobValueNamesItsVersions) {
  const std::string doc = ReadSpec("api-knobs.md");
  const smmuref::spec::Regex row(R"(^\| `([a-z_]+)` \| ([^|]+) \| [^|]+ \| [^|]+ \| (.+) \|$)");
  const smmuref::spec::Regex version(R"(v[0-9]+\.[0-9]+|RFC [0-9]{4}|seed [0-9]{3}|decision)");
  std::istringstream in(doc);
  int knobs = 0;
  std::string bad;
  for (std::string line; std::getline(in, line);) {
    const auto m = row.Match(line);
    if (!m || (*m)[1] == "Knob") continue;
    ++knobs;
    const std::string name = (*m)[1], values = (*m)[2], what = (*m)[3];
    if (name == "min_pasid") continue;  // a number, not versions (R-API-011)
    for (std::string v : Split(values, ", ")) {
      const std::string key = v.substr(0, v.find_last_not_of(' ') + 1) + ":";
      const size_t at = what.find(key);
      if (at == std::string::npos) {
        bad += "\n" + name + ": value " + key + " is not described";
        continue;
      }
      const size_t end = what.find("`: ", at + key.size());
      const std::string part = what.substr(at, end == std::string::npos ? end : end - at);
      if (!version.Finds(part)) bad += "\n" + name + ": " + key + " names no version";
    }
  }
  EXPECT_GE(knobs, 7);
  EXPECT_EQ(bad, "") << bad;
}

}  // namespace
