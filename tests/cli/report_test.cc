// --json and --junit (spec/reports.md): the files parse back and hold what the run found, for
// passing, failing and bad-input runs of `vectors run` and `check`.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_cli.h"

using smmuref::testing::CliRun;
using smmuref::testing::RunCli;
using smmuref::testing::TempDir;

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The dir with a passing, a failing and a bad vector file.
std::string ThreeFiles(const std::string& name) {
  const std::string dir = TempDir(name);
  std::ofstream(dir + "/pass.vec") << "smmuref-vectors 1\nreg.expect32 CR0 0\n";
  std::ofstream(dir + "/fail.vec") << "smmuref-vectors 1\nreg.expect32 CR0 0\nreg.expect32 CR0 5\n";
  std::ofstream(dir + "/bad.vec") << "smmuref-vectors 1\nmem.write64 0x1001 0\n";
  return dir;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
  return n;
}

// Well-formed in the sense a CI parser needs: one root, tags balanced, attributes quoted.
bool TagsBalance(const std::string& xml) {
  std::vector<std::string> open;
  for (size_t at = 0; (at = xml.find('<', at)) != std::string::npos;) {
    const size_t end = xml.find('>', at);
    if (end == std::string::npos) return false;
    const std::string tag = xml.substr(at + 1, end - at - 1);
    at = end;
    if (tag[0] == '?') continue;
    if (tag[0] == '/') {
      if (open.empty() || tag.substr(1) != open.back()) return false;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    if (Count(tag, "\"") % 2) return false;
  }
  return open.empty();
}

}  // namespace

TEST(Reports, VectorsRunJsonHoldsEveryFileAndFailure) {
  const std::string dir = ThreeFiles("json");
  const CliRun r = RunCli({"vectors", "run", "--json", "r.json", "pass.vec", "fail.vec", "bad.vec"}, dir);
  EXPECT_EQ(r.status, 2) << r.All();
  const auto j = nlohmann::json::parse(Slurp(dir + "/r.json"));
  EXPECT_EQ(j["tool"], "smmuref");
  EXPECT_EQ(j["command"], "vectors run");
  EXPECT_EQ(j["device"], "model");
  EXPECT_EQ(j["status"], 2);
  EXPECT_EQ(j["result"], "bad input");
  EXPECT_EQ(j["totals"]["files"], 3);
  EXPECT_EQ(j["totals"]["passed"], 2);
  EXPECT_EQ(j["totals"]["failed"], 1);
  EXPECT_EQ(j["totals"]["bad_input"], 1);
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["files"][0]["result"], "passed");
  EXPECT_EQ(j["files"][1]["result"], "failed");
  ASSERT_EQ(j["files"][1]["failures"].size(), 1u);
  EXPECT_EQ(j["files"][1]["failures"][0]["where"], "fail.vec:3");
  EXPECT_EQ(j["files"][1]["failures"][0]["kind"], "expectation");
  EXPECT_EQ(j["files"][2]["result"], "bad input");
  EXPECT_NE(j["files"][2]["error"].get<std::string>().find("bad.vec:2: "), std::string::npos);
  EXPECT_FALSE(j.contains("campaign"));
}

TEST(Reports, VectorsRunJUnitHasATestcasePerFile) {
  const std::string dir = ThreeFiles("junit");
  const CliRun r = RunCli({"vectors", "run", "--junit", "r.xml", "pass.vec", "fail.vec", "bad.vec"}, dir);
  EXPECT_EQ(r.status, 2) << r.All();
  const std::string xml = Slurp(dir + "/r.xml");
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0), 0u) << xml;
  EXPECT_TRUE(TagsBalance(xml)) << xml;
  EXPECT_NE(xml.find("<testsuites name=\"smmuref vectors run\" tests=\"3\" failures=\"1\" errors=\"1\">"),
            std::string::npos) << xml;
  EXPECT_EQ(Count(xml, "<testcase "), 3);
  EXPECT_EQ(Count(xml, "<failure "), 1);
  EXPECT_EQ(Count(xml, "<error "), 1);
  EXPECT_NE(xml.find("fail.vec:3: CR0: expected 0x5, observed 0x0"), std::string::npos) << xml;
  EXPECT_NE(xml.find("type=\"bad input\" message=\"bad.vec:2: "), std::string::npos) << xml;
}

TEST(Reports, CheckJsonHasTheCampaignAndTheNotModelledList) {
  const std::string dir = ThreeFiles("check");
  std::remove((dir + "/bad.vec").c_str());
  std::remove((dir + "/fail.vec").c_str());
  const CliRun r = RunCli({"check", "--no-driver", "--corpus", dir, "--programs", "3", "--seed", "7", "--results",
                           dir + "/results", "--json", dir + "/c.json", "--junit", dir + "/c.xml"});
  EXPECT_EQ(r.status, 0) << r.All();
  const auto j = nlohmann::json::parse(Slurp(dir + "/c.json"));
  EXPECT_EQ(j["command"], "check");
  EXPECT_EQ(j["result"], "passed");
  ASSERT_EQ(j["files"].size(), 1u);
  EXPECT_EQ(j["files"][0]["area"], std::filesystem::path(dir).filename().string());
  const auto& c = j["campaign"];
  EXPECT_EQ(c["programs"], 3);
  EXPECT_EQ(c["program_budget"], 3);
  EXPECT_EQ(c["seed"], 7);
  EXPECT_EQ(c["mismatches"], 0);
  EXPECT_GT(c["translations"].get<int>(), 0);
  EXPECT_GE(j["not_modelled"].size(), 5u);
  const std::string xml = Slurp(dir + "/c.xml");
  EXPECT_TRUE(TagsBalance(xml)) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"campaign\" tests=\"1\" failures=\"0\""), std::string::npos) << xml;
}

TEST(Reports, CheckReportsNameTheReproducersOfAFailingDevice) {
  const CliRun probe = RunCli({"vectors", "run", "--dut", "impl-mutant-11", "--help"});
  if (probe.status != 0) GTEST_SKIP() << "built without impl mutants";
  const std::string dir = TempDir("mutant");
  const CliRun r = RunCli({"check", "--no-driver", "--corpus", TempDir("mutant-corpus"), "--dut", "impl-mutant-11",
                           "--programs", "20", "--results", dir, "--json", dir + "/m.json",
                           "--junit", dir + "/m.xml"});
  EXPECT_EQ(r.status, 1) << r.All();
  const auto j = nlohmann::json::parse(Slurp(dir + "/m.json"));
  EXPECT_EQ(j["result"], "failed");
  EXPECT_GT(j["campaign"]["mismatches"].get<int>(), 0);
  ASSERT_FALSE(j["campaign"]["reproducers"].empty());
  const std::string file = j["campaign"]["reproducers"][0]["file"];
  EXPECT_TRUE(std::filesystem::exists(file)) << file;
  const std::string xml = Slurp(dir + "/m.xml");
  EXPECT_TRUE(TagsBalance(xml)) << xml;
  EXPECT_NE(xml.find("<failure type=\"mismatch\""), std::string::npos) << xml;
  EXPECT_NE(xml.find(file), std::string::npos);
}

TEST(Reports, CheckReportsTheDriversEndToEndPhase) {
  const std::string dir = TempDir("driver");
  const CliRun r = RunCli({"check", "--no-vectors", "--programs", "1", "--driver-programs", "2",
                           "--results", dir, "--json", dir + "/d.json", "--junit", dir + "/d.xml"});
  EXPECT_EQ(r.status, 0) << r.All();
  const auto j = nlohmann::json::parse(Slurp(dir + "/d.json"));
  const auto& d = j["driver"];
  EXPECT_EQ(d["run"], true);
  EXPECT_EQ(d["mutant"], 0);
  EXPECT_EQ(d["programs_per_smmu"], 2);
  EXPECT_EQ(d["programs"], 4);
  EXPECT_EQ(d["smmus"].size(), 2u);
  EXPECT_GT(d["transactions"].get<int>(), 100);
  EXPECT_EQ(d["violated"], false);
  EXPECT_GT(d["succeeded"]["map page"].get<int>(), 0);
  const std::string xml = Slurp(dir + "/d.xml");
  EXPECT_TRUE(TagsBalance(xml)) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"driver end to end\" tests=\"1\" failures=\"0\""),
            std::string::npos)
      << xml;
  // A driver that skips its TLB invalidation: the phase fails, names the vector it wrote.
  const CliRun m = RunCli({"check", "--no-vectors", "--programs", "1", "--driver-mutant", "1",
                           "--results", dir, "--json", dir + "/m.json", "--junit", dir + "/m.xml"});
  EXPECT_EQ(m.status, 1) << m.All();
  const auto jm = nlohmann::json::parse(Slurp(dir + "/m.json"));
  EXPECT_EQ(jm["result"], "failed");
  EXPECT_EQ(jm["driver"]["violated"], true);
  const std::string vec = jm["driver"]["vector"];
  EXPECT_TRUE(std::filesystem::exists(vec)) << vec;
  const std::string xm = Slurp(dir + "/m.xml");
  EXPECT_TRUE(TagsBalance(xm)) << xm;
  EXPECT_NE(xm.find("<failure type=\"isolation\""), std::string::npos) << xm;
  // --no-driver: the section says it did not run.
  const CliRun off = RunCli({"check", "--no-vectors", "--no-driver", "--programs", "1", "--results",
                             dir, "--json", dir + "/o.json"});
  EXPECT_EQ(off.status, 0) << off.All();
  EXPECT_EQ(nlohmann::json::parse(Slurp(dir + "/o.json"))["driver"]["run"], false);
}

TEST(Reports, AnUnwritableReportFileIsAUsageErrorBeforeTheRun) {
  const std::string dir = ThreeFiles("unwritable");
  for (const char* opt : {"--json", "--junit"}) {
    const CliRun r = RunCli({"vectors", "run", opt, dir + "/pass.vec/x", "pass.vec"}, dir);
    EXPECT_EQ(r.status, 2) << r.All();
    EXPECT_NE(r.err.find(std::string(opt) + ": cannot write"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("PASS"), std::string::npos) << "nothing runs: " << r.out;
  }
}

TEST(Reports, AReportInAFolderThatDoesNotExistYetGetsTheFolder) {
  // The README walkthrough's `--junit results/tiny.xml` on a fresh clone.
  const std::string dir = ThreeFiles("newfolder");
  const CliRun r = RunCli({"vectors", "run", "--junit", "results/a/r.xml", "--json",
                           "results/b/r.json", "pass.vec"}, dir);
  EXPECT_EQ(r.status, 0) << r.All();
  EXPECT_NE(Slurp(dir + "/results/a/r.xml").find("<testsuites "), std::string::npos);
  EXPECT_NE(Slurp(dir + "/results/b/r.json").find("\"files\""), std::string::npos);
}

TEST(Reports, StrictPrintsAndRecordsTheRoomOfEachExpectation) {
  // SMMUEN=0 under `full`: GBPA.ABORT's reset value is IMPLEMENTATION DEFINED (C-REG-002), so
  // the transaction may bypass or abort; `expect ok` accepts one of the two.
  const std::string dir = TempDir("strict");
  std::ofstream(dir + "/room.vec") << "smmuref-vectors 1\ntxn 1 - 0x40 r\nexpect ok 0x40\n"
                                      "reg.expect32 CR0 0\n";
  const CliRun r = RunCli({"vectors", "run", "--strict", "--json", "r.json", "room.vec"}, dir);
  EXPECT_EQ(r.status, 0) << r.All();
  EXPECT_NE(r.out.find("room.vec:3: expect ok 0x40: 2 allowed outcomes, 1 accepted\n"
                       "      not accepted: abort"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("room.vec:4: reg.expect32 CR0 0: 1 allowed value"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("room: 1 of 2 expectations allowed more than one outcome"),
            std::string::npos)
      << r.out;
  const auto j = nlohmann::json::parse(Slurp(dir + "/r.json"));
  const auto& room = j["files"][0]["room"]["expectations"];
  ASSERT_EQ(room.size(), 2u) << j.dump(2);
  EXPECT_EQ(room[0]["allowed"], 2);
  EXPECT_EQ(room[0]["accepted"], 1);
  EXPECT_EQ(room[0]["not_accepted"].size(), 1u);
  EXPECT_EQ(room[1]["kind"], "register");
  // Without --strict neither the lines nor the JSON key appear.
  const CliRun plain = RunCli({"vectors", "run", "--json", "p.json", "room.vec"}, dir);
  EXPECT_EQ(plain.out.find("allowed outcome"), std::string::npos) << plain.out;
  EXPECT_FALSE(nlohmann::json::parse(Slurp(dir + "/p.json"))["files"][0].contains("room"));
}
