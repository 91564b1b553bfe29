// The rule-coverage mechanism (spec/include/smmuref/spec/coverage.h): the id table is exactly the
// rules of spec/rules.md, probes record only into an installed sink, and the model code probes
// every rule that a probe can mark (the exceptions are listed below with the reason).
#include "smmuref/spec/coverage.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include "smmuref/spec/regex.h"

namespace fs = std::filesystem;
namespace cov = smmuref::spec::coverage;

namespace {

const fs::path kRoot = SMMUREF_SOURCE_DIR;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> RulesMdIds() {
  static const smmuref::spec::Regex kRuleLine(R"(^- \*\*(R-[A-Z0-9]+-[0-9]{3})\*\* )");
  std::vector<std::string> ids;
  std::istringstream in(ReadAll(kRoot / "spec" / "rules.md"));
  for (std::string line; std::getline(in, line);) {
    if (const auto m = kRuleLine.Search(line)) ids.push_back((*m)[1]);
  }
  return ids;
}

// Rule ids named by SMMUREF_RULE / SMMUREF_RULE_IF probes in model code, with a file each.
std::map<std::string, std::string> ProbedIds() {
  static const smmuref::spec::Regex kProbe(R"(SMMUREF_RULE(?:_IF)?\(\s*"(R-[A-Z0-9]+-[0-9]{3})\")");
  std::map<std::string, std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(kRoot / "model")) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
    const std::string text = ReadAll(e.path());
    for (const auto& m : kProbe.SearchAll(text)) {
      found.emplace(m[1], e.path().filename().string());
    }
  }
  return found;
}

// Rules no probe can mark, and why.
const std::map<std::string, std::string>& Unprobed() {
  static const std::map<std::string, std::string> kUnprobed = {};
  return kUnprobed;
}

}  // namespace

TEST(RuleCoverage, TableIsExactlyTheRulesOfRulesMd) {
  const std::vector<std::string> want = RulesMdIds();
  ASSERT_EQ(want.size(), cov::kRuleCount);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(want[i], cov::kRuleIds[i]) << "index " << i;
}

TEST(RuleCoverage, IndexFindsEveryIdAndRejectsOthers) {
  for (size_t i = 0; i < cov::kRuleCount; ++i) EXPECT_EQ(cov::RuleIndex(cov::kRuleIds[i]), i);
  EXPECT_EQ(cov::RuleIndex("R-STE-999"), cov::kRuleCount);
  EXPECT_EQ(cov::RuleIndex("R-API-001"), cov::kRuleCount);  // API rules are not SMMUv3 rules
}

TEST(RuleCoverage, ProbesRecordOnlyIntoAnInstalledSink) {
  SMMUREF_RULE("R-STE-001");  // no sink: nothing to record into, nothing happens
  cov::RuleSet set;
  {
    cov::RuleSink sink(&set);
    SMMUREF_RULE("R-STE-001");
    EXPECT_FALSE(SMMUREF_RULE_IF("R-CD-001", false));
    EXPECT_TRUE(SMMUREF_RULE_IF("R-CD-002", true));
  }
  SMMUREF_RULE("R-MEM-001");  // after the sink is gone
  EXPECT_TRUE(set.test(cov::RuleIndex("R-STE-001")));
  EXPECT_FALSE(set.test(cov::RuleIndex("R-CD-001")));
  EXPECT_TRUE(set.test(cov::RuleIndex("R-CD-002")));
  EXPECT_FALSE(set.test(cov::RuleIndex("R-MEM-001")));
  EXPECT_EQ(set.count(), 2u);
}

TEST(RuleCoverage, SinksNest) {
  cov::RuleSet outer, inner;
  cov::RuleSink a(&outer);
  {
    cov::RuleSink b(&inner);
    SMMUREF_RULE("R-WALK-001");
  }
  SMMUREF_RULE("R-WALK-002");
  EXPECT_EQ(inner.count(), 1u);
  EXPECT_TRUE(outer.test(cov::RuleIndex("R-WALK-002")));
  EXPECT_FALSE(outer.test(cov::RuleIndex("R-WALK-001")));
}

TEST(RuleCoverage, ModelProbesEveryProbeableRule) {
  const auto probed = ProbedIds();
  std::string missing, listed_but_probed;
  for (size_t i = 0; i < cov::kRuleCount; ++i) {
    const std::string id(cov::kRuleIds[i]);
    const bool exempt = Unprobed().count(id) != 0;
    if (!probed.count(id) && !exempt) missing += " " + id;
    if (probed.count(id) && exempt) listed_but_probed += " " + id;
  }
  EXPECT_EQ(missing, "") << "rules without a coverage probe in model/:" << missing;
  EXPECT_EQ(listed_but_probed, "") << "rules listed as unprobed but probed:" << listed_but_probed;
}
