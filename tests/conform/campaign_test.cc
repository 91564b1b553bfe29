// The differential campaign (conform/src/campaign.cc): program ids, reproducibility by count
// whatever the number of threads, rule coverage, replay of one program, and the report of a
// campaign that finds a mismatch.
#include "smmuref/conform/campaign.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "smmuref/conform/device.h"

namespace smmuref::conform {
namespace {

CampaignOptions Quiet(int programs) {
  CampaignOptions o;
  o.max_programs = programs;
  o.progress = false;
  o.results_dir = (std::filesystem::temp_directory_path() / "smmuref-campaign-test").string();
  o.dut = "impl";
  return o;
}

TEST(ProgramIds, PrintAndParseRoundTrip) {
  ProgramId id;
  id.seed = 1000007;
  id.focus = Focus::kQueues;
  EXPECT_EQ(id.ToString(), "1000007:queues");
  auto back = ParseProgramId("1000007:queues");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->seed, 1000007u);
  EXPECT_EQ(back->focus, Focus::kQueues);
  auto bare = ParseProgramId("12");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->focus, Focus::kMix);
}

TEST(ProgramIds, UnknownFormatsAreErrorsNamingTheFormat) {
  for (const char* bad : {"", "x12", "12:", "12:everything", "-5", "0x10", "12:mix:3",
                          "123456789012345678901234"}) {
    auto id = ParseProgramId(bad);
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_NE(id.error().message.find("SEED:FOCUS"), std::string::npos);
  }
}

TEST(Campaign, SameSeedAndCountSameProgramsWhateverTheThreads) {
  if (DeviceNames().size() < 2) GTEST_SKIP() << "impl not built";
  CampaignOptions a = Quiet(96);
  a.seed = 7;
  a.jobs = 1;
  CampaignOptions b = a;
  b.jobs = 3;
  const CampaignReport x = RunCampaign(a), y = RunCampaign(b);
  EXPECT_EQ(x.programs, 96u);
  EXPECT_EQ(x.translations, y.translations);
  EXPECT_EQ(x.rule_hits, y.rule_hits);
  EXPECT_EQ(x.focus_programs, y.focus_programs);
  EXPECT_EQ(x.observations, y.observations);
  EXPECT_EQ(x.mismatches, 0u) << (x.mismatch_summaries.empty() ? "" : x.mismatch_summaries[0]);
}

TEST(Campaign, CoverageIsRecordedPerRuleAndNeverHitListed) {
  if (DeviceNames().size() < 2) GTEST_SKIP() << "impl not built";
  const CampaignReport r = RunCampaign(Quiet(64));
  EXPECT_GT(r.RulesExercised(), 100u);
  EXPECT_EQ(r.RulesExercised() + r.RulesNeverHit().size(), spec::coverage::kRuleCount);
  for (const auto& id : r.RulesNeverHit()) EXPECT_EQ(r.rules.count(id), 0u) << id;
  // Every program exercised the transaction flow.
  EXPECT_EQ(r.rule_hits[spec::coverage::RuleIndex("R-TXN-001")] > 0, true);
  uint64_t focused = 0;
  for (int f = 1; f < kFocusCount; ++f) focused += r.focus_programs[f];
  EXPECT_GT(focused, 0u) << "the director never chose a focus";
}

// The first 2000 programs of the default campaign (seed 1) exercise at least 90% of the SMMUv3
// rule ids, and every id left is listed as unreachable by random programs with its reason. The
// default budget runs these same programs first, so it covers at least as much.
TEST(Campaign, DefaultCampaignExercisesNinetyPercentOfTheRules) {
  if (DeviceNames().size() < 2) GTEST_SKIP() << "impl not built";
  CampaignOptions o = Quiet(2000);
  const CampaignReport r = RunCampaign(o);
  EXPECT_EQ(r.mismatches, 0u) << (r.mismatch_summaries.empty() ? "" : r.mismatch_summaries[0]);
  EXPECT_GE(r.RulesExercised() * 10, spec::coverage::kRuleCount * 9)
      << r.RulesExercised() << " of " << spec::coverage::kRuleCount;
  std::string unexplained;
  for (const auto& id : r.RulesNeverHit()) {
    bool listed = false;
    for (const auto& [u, why] : UnreachableRules()) listed = listed || u == id;
    if (!listed) unexplained += " " + id;
  }
  // What is listed as unreachable is indeed never hit.
  for (const auto& [u, why] : UnreachableRules()) {
    EXPECT_EQ(r.rule_hits[spec::coverage::RuleIndex(u)], 0u) << u << " is listed unreachable";
  }
  // Rarely hit ids may still be missing from the first 2000 programs; at most a few.
  EXPECT_LE(unexplained.size(), 4 * std::string(" R-XXX-000").size()) << unexplained;
}

TEST(Campaign, UndirectedCampaignsRunTheMixOnly) {
  if (DeviceNames().size() < 2) GTEST_SKIP() << "impl not built";
  CampaignOptions o = Quiet(40);
  o.directed = false;
  const CampaignReport r = RunCampaign(o);
  EXPECT_EQ(r.focus_programs[0], 40u);
}

TEST(Campaign, ReplayRunsTheSameProgramAlone) {
  if (DeviceNames().size() < 2) GTEST_SKIP() << "impl not built";
  ProgramId id;
  id.seed = 1000003;
  id.focus = Focus::kInval;
  const CampaignReport one = ReplayProgram(Quiet(1), id);
  const CampaignReport two = ReplayProgram(Quiet(1), id);
  EXPECT_EQ(one.programs, 1u);
  EXPECT_EQ(one.rule_hits, two.rule_hits);
  EXPECT_EQ(one.translations, two.translations);
  EXPECT_GT(one.translations, 0u);
}

// A deliberately wrong engine: the campaign stops at its first mismatch, names the program and
// writes a reproducer whose header says how to replay it.
TEST(Campaign, MismatchIsReportedWithProgramIdAndReproducer) {
  const auto mutants = ImplMutants();
  if (mutants.empty()) GTEST_SKIP() << "built without SMMUREF_MUTANTS";
  CampaignOptions o = Quiet(static_cast<int>(kDefaultPrograms));
  o.dut = "impl-mutant-" + std::to_string(mutants.front().first);
  o.stop_at_first_mismatch = true;
  const CampaignReport r = RunCampaign(o);
  ASSERT_EQ(r.mismatches, 1u);
  EXPECT_EQ(r.first_mismatch, r.programs);
  ASSERT_EQ(r.mismatch_files.size(), 1u);
  EXPECT_NE(r.mismatch_files[0].find(ParseProgramId(r.first_mismatch_program)->ToString().substr(
                0, r.first_mismatch_program.find(':'))),
            std::string::npos);
  auto replay = ParseProgramId(r.first_mismatch_program);
  ASSERT_TRUE(replay.ok());
  const CampaignReport again = ReplayProgram(o, *replay);
  EXPECT_EQ(again.mismatches, 1u);
}

TEST(Campaign, UnreachableRulesAreRulesWithReasons) {
  for (const auto& [id, why] : UnreachableRules()) {
    EXPECT_LT(spec::coverage::RuleIndex(id), spec::coverage::kRuleCount) << id;
    EXPECT_FALSE(why.empty());
  }
}

}  // namespace
}  // namespace smmuref::conform

TEST(ResultsFolder, NamesTheDutByAFileNameWithoutPathOrArguments) {
  smmuref::conform::CampaignOptions o;
  o.results_dir = "out";
  o.seed = 7;
  o.dut = "impl";
  EXPECT_EQ(smmuref::conform::ResultsFolder(o), "out/check-impl-seed-7");
  o.dut = "/work/build/libtiny_smmu.so";
  EXPECT_EQ(smmuref::conform::ResultsFolder(o), "out/check-libtiny_smmu.so-seed-7");
  o.dut = "exec:python3 /x/bypass_smmu.py ";
  EXPECT_EQ(smmuref::conform::ResultsFolder(o), "out/check-exec-bypass_smmu.py-seed-7");
  o.dut = "exec:./a b:c";
  EXPECT_EQ(smmuref::conform::ResultsFolder(o), "out/check-exec-b_c-seed-7");
  o.dut = "/";
  EXPECT_EQ(smmuref::conform::ResultsFolder(o), "out/check-dut-seed-7");
}
