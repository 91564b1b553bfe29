// Every rule in spec/rules*.md is named in the model code that implements it and in at least one
// test or vector; every rule id named in model code exists in a rules file.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include "smmuref/spec/regex.h"

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = SMMUREF_SOURCE_DIR;
const smmuref::spec::Regex kRuleLine(R"(^- \*\*(R-[A-Z0-9]+-[0-9]{3})\*\* )");
const smmuref::spec::Regex kRuleId(R"(R-[A-Z0-9]+-[0-9]{3})");

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> DefinedRules() {
  std::set<std::string> ids;
  for (const auto& e : fs::directory_iterator(kRoot / "spec")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("rules", 0) != 0 || e.path().extension() != ".md") continue;
    std::istringstream in(ReadAll(e.path()));
    for (std::string line; std::getline(in, line);) {
      if (const auto m = kRuleLine.Search(line)) ids.insert((*m)[1]);
    }
  }
  return ids;
}

// Rule ids mentioned in files under `dir` with one of `exts`.
std::map<std::string, std::string> Mentions(const fs::path& dir, std::set<std::string> exts) {
  std::map<std::string, std::string> found;  // id -> first file
  if (!fs::exists(dir)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || !exts.count(e.path().extension().string())) continue;
    const std::string text = ReadAll(e.path());
    for (const auto& m : kRuleId.SearchAll(text)) {
      found.emplace(m[0], e.path().string());
    }
  }
  return found;
}

}  // namespace

TEST(RulesTrace, RulesFilesDefineRules) {
  EXPECT_GT(DefinedRules().size(), 100u);
}

TEST(RulesTrace, EveryRuleIsNamedInTheModel) {
  const auto code = Mentions(kRoot / "model", {".cc", ".h"});
  std::string missing;
  for (const auto& id : DefinedRules()) {
    if (!code.count(id)) missing += " " + id;
  }
  EXPECT_EQ(missing, "") << "rules with no model code naming them:" << missing;
}

TEST(RulesTrace, EveryRuleIsNamedInATestOrVector) {
  auto tested = Mentions(kRoot / "tests", {".cc", ".h"});
  tested.merge(Mentions(kRoot / "corpus" / "vectors", {".vec"}));
  std::string missing;
  for (const auto& id : DefinedRules()) {
    if (!tested.count(id)) missing += " " + id;
  }
  EXPECT_EQ(missing, "") << "rules with no test or vector naming them:" << missing;
}

TEST(RulesTrace, ModelNamesOnlyDefinedRules) {
  const auto defined = DefinedRules();
  std::string unknown;
  for (const auto& [id, file] : Mentions(kRoot / "model", {".cc", ".h"})) {
    if (!defined.count(id)) unknown += " " + id + " (" + file + ")";
  }
  EXPECT_EQ(unknown, "") << "rule ids in model code but not in spec/rules*.md:" << unknown;
}
