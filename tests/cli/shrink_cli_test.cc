// Shrinking from the command line (conform/shrink.h): `smmuref shrink`, `vectors run --shrink`,
// `conform --shrink`, and the campaign's shrunk reproducers in `check` (on by default,
// --no-shrink), with their exit status and the JSON report naming the shrunk files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "run_cli.h"

using smmuref::testing::CliRun;
using smmuref::testing::RunCli;
using smmuref::testing::TempDir;

namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The README's example with its last expectation wrong (R-PERM-001 faults the read).
const char* kFailing =
    "smmuref-vectors 1\n"
    "profile full\n"
    "reg.write64 STRTAB_BASE 0x100000\n"
    "reg.write32 STRTAB_BASE_CFG 0x4\n"
    "reg.write64 EVENTQ_BASE 0x200004\n"
    "mem.write64 0x1000c0 0x30000b\n"
    "mem.write64 0x300000 0x16205c0000010\n"
    "mem.write64 0x300008 0x400000\n"
    "mem.write64 0x400000 0x401003\n"
    "mem.write64 0x401000 0x402003\n"
    "mem.write64 0x402000 0x403003\n"
    "mem.write64 0x403008 0x800403\n"
    "reg.write32 CR0 0xd\n"
    "txn 3 - 0x1234 rp\n"
    "expect ok 0x800234\n"
    "txn 3 - 0x1234 r\n"
    "expect ok 0x800234\n";

std::string Dir(const std::string& name) {
  const std::string dir = TempDir(name);
  std::ofstream(dir + "/fail.vec") << kFailing;
  std::ofstream(dir + "/pass.vec") << "smmuref-vectors 1\nreg.expect32 CR0 0\n";
  std::ofstream(dir + "/bad.vec") << "smmuref-vectors 1\nbogus.op 1\n";
  return dir;
}

TEST(CliShrink, WritesAShrunkVectorThatReplaysAndExitsOne) {
  const std::string dir = Dir("shrink-cli");
  const CliRun r = RunCli({"shrink", "--dut", "model", "fail.vec", "-o", "out/fail.min.vec"}, dir);
  EXPECT_EQ(r.status, 1) << r.All();
  EXPECT_NE(r.out.find("failure kept: failed expectation (expect) [R-PERM-001]"), std::string::npos)
      << r.out;
  const std::string text = Slurp(dir + "/out/fail.min.vec");
  EXPECT_NE(text.find("# replay: smmuref vectors run --dut model out/fail.min.vec"),
            std::string::npos) << text;
  EXPECT_NE(text.find("(16 lines)"), std::string::npos) << text;
  const CliRun replay = RunCli({"vectors", "run", "--dut", "model", "out/fail.min.vec"}, dir);
  EXPECT_EQ(replay.status, 1) << replay.All();
  EXPECT_NE(replay.out.find("[R-PERM-001]"), std::string::npos) << replay.out;
  // Without -o the vector goes to stdout and the summary to stderr.
  const CliRun piped = RunCli({"shrink", "--dut", "model", "fail.vec"}, dir);
  EXPECT_EQ(piped.status, 1) << piped.All();
  EXPECT_NE(piped.out.find("smmuref-vectors 1\n"), std::string::npos) << piped.out;
  EXPECT_NE(piped.err.find("shrunk fail.vec"), std::string::npos) << piped.err;
}

TEST(CliShrink, PassingFileExitsZeroBadInputExitsTwo) {
  const std::string dir = Dir("shrink-cli-status");
  const CliRun pass = RunCli({"shrink", "--dut", "model", "pass.vec", "-o", "p.min.vec"}, dir);
  EXPECT_EQ(pass.status, 0) << pass.All();
  EXPECT_NE(pass.out.find("nothing to shrink"), std::string::npos) << pass.out;
  EXPECT_FALSE(fs::exists(dir + "/p.min.vec"));
  const CliRun bad = RunCli({"shrink", "--dut", "model", "bad.vec"}, dir);
  EXPECT_EQ(bad.status, 2) << bad.All();
  EXPECT_NE(bad.err.find("bad.vec:2"), std::string::npos) << bad.err;
  EXPECT_EQ(RunCli({"shrink", "fail.vec"}, dir).status, 2) << "--dut is required";
  EXPECT_EQ(RunCli({"shrink", "--dut", "model", "missing.vec"}, dir).status, 2);
  EXPECT_EQ(RunCli({"shrink", "--dut", "model", "--max-runs", "0", "fail.vec"}, dir).status, 2);
}

TEST(CliShrink, VectorsRunShrinksFailingFilesAndTheJsonNamesThem) {
  const std::string dir = Dir("shrink-vectors-run");
  const CliRun r = RunCli({"vectors", "run", "--shrink", "--shrink-dir", "sd", "--json", "r.json",
                           "fail.vec", "pass.vec"}, dir);
  EXPECT_EQ(r.status, 1) << r.All();
  EXPECT_TRUE(fs::exists(dir + "/sd/fail.min.vec")) << r.out;
  EXPECT_FALSE(fs::exists(dir + "/sd/pass.min.vec"));
  EXPECT_NE(r.out.find("shrunk to sd/fail.min.vec"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(Slurp(dir + "/r.json"));
  EXPECT_EQ(j["files"][0]["shrunk"], "sd/fail.min.vec");
  EXPECT_FALSE(j["files"][1].contains("shrunk"));
  // Without --shrink nothing is written.
  const CliRun plain = RunCli({"vectors", "run", "fail.vec"}, dir);
  EXPECT_EQ(plain.status, 1);
  EXPECT_FALSE(fs::exists(dir + "/results"));
  // conform --shrink: into --results/shrunk-DUT by default.
  const CliRun c = RunCli({"conform", "--dut", "model", "--no-campaign", "--shrink", "--results",
                           "res", "fail.vec"}, dir);
  EXPECT_EQ(c.status, 1) << c.All();
  EXPECT_TRUE(fs::exists(dir + "/res/shrunk-model/fail.min.vec")) << c.out;
}

TEST(CliShrink, CheckShrinksItsReproducersUnlessNoShrink) {
  const std::string dir = Dir("shrink-check");
  if (RunCli({"vectors", "run", "--dut", "impl-mutant-3", "pass.vec"}, dir).status != 0) {
    GTEST_SKIP() << "built without impl mutants";
  }
  const std::string corpus = TempDir("shrink-check-corpus");
  const CliRun r = RunCli({"check", "--no-driver", "--corpus", corpus, "--dut", "impl-mutant-3", "--programs",
                           "20", "--seed", "1", "--first-mismatch", "--results", dir + "/a",
                           "--json", dir + "/a.json"});
  ASSERT_EQ(r.status, 1) << r.All();
  const std::string folder = dir + "/a/check-impl-mutant-3-seed-1/";
  bool shrunk = false;
  for (const auto& e : fs::directory_iterator(folder)) {
    shrunk |= e.path().string().size() > 8 &&
              e.path().string().substr(e.path().string().size() - 8) == ".min.vec";
  }
  EXPECT_TRUE(shrunk) << r.out;
  EXPECT_NE(r.out.find("shrunk to " + folder), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(Slurp(dir + "/a.json"));
  const std::string file = j["campaign"]["reproducers"][0]["shrunk"];
  EXPECT_NE(file.find(".min.vec"), std::string::npos);
  EXPECT_EQ(RunCli({"vectors", "run", "--dut", "impl-mutant-3", file}).status, 1);
  EXPECT_EQ(RunCli({"vectors", "run", "--dut", "impl", file}).status, 0);
  const CliRun off = RunCli({"check", "--no-driver", "--corpus", corpus, "--dut", "impl-mutant-3", "--programs",
                             "20", "--seed", "1", "--first-mismatch", "--no-shrink", "--results",
                             dir + "/b"});
  ASSERT_EQ(off.status, 1) << off.All();
  for (const auto& e : fs::directory_iterator(dir + "/b/check-impl-mutant-3-seed-1/")) {
    EXPECT_EQ(e.path().string().find(".min.vec"), std::string::npos) << e.path();
  }
  EXPECT_NE(off.out.find("not shrunk (--no-shrink)"), std::string::npos) << off.out;
}

}  // namespace
