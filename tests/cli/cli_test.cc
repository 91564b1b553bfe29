// The `smmuref` command line as a user meets it: help and version, exit status 2 with a message
// naming the option for every bad argument, typed and range-checked numbers, paths relative to
// the caller's directory.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "run_cli.h"

using smmuref::testing::CliRun;
using smmuref::testing::RunCli;
using smmuref::testing::TempDir;

namespace {

// A corpus folder with no vector files, so `check` runs only its campaign.
std::string EmptyCorpus() { return TempDir("empty-corpus"); }

void ExpectUsageError(const std::vector<std::string>& args, const std::string& names) {
  const CliRun r = RunCli(args);
  EXPECT_EQ(r.status, 2) << r.All();
  EXPECT_NE(r.err.find(names), std::string::npos) << "stderr does not name " << names << ":\n"
                                                  << r.err;
}

}  // namespace

TEST(Cli, NoArgumentsPrintsHelpAndExitsWithUsageStatus) {
  const CliRun r = RunCli({});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("Subcommands:"), std::string::npos) << r.err;
}

TEST(Cli, HelpListsEveryCommandAndExitsZero) {
  const CliRun r = RunCli({"--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* c : {"check", "vectors", "explain", "profiles"}) {
    EXPECT_NE(r.out.find(std::string("  ") + c + " "), std::string::npos) << c << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("limits"), std::string::npos);
}

TEST(Cli, EveryCommandTakesHelp) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"check", "--help"}, {"vectors", "run", "--help"}, {"explain", "--help"},
           {"profiles", "--help"}}) {
    const CliRun r = RunCli(args);
    EXPECT_EQ(r.status, 0) << args[0];
    EXPECT_NE(r.out.find("Usage: smmuref " + args[0]), std::string::npos) << r.out;
  }
}

TEST(Cli, VersionPrintsTheVersion) {
  const CliRun r = RunCli({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("smmuref ", 0), 0u) << r.out;
}

TEST(Cli, UnknownCommandOrOptionIsAUsageError) {
  ExpectUsageError({"bogus"}, "unknown command 'bogus'");
  ExpectUsageError({"check", "--bogus"}, "--bogus");
  ExpectUsageError({"vectors", "run"}, "FILE");
}

TEST(Cli, SecondsMustBeFinitePositiveAndBounded) {
  for (const char* v : {"nan", "inf", "-1", "0", "0.0", "1e3", "1.", ".5", "604801", "20s", ""}) {
    ExpectUsageError({"check", "--seconds", v}, "--seconds");
  }
}

TEST(Cli, ProgramsIsABoundedCount) {
  for (const char* v : {"3000000000", "0", "-1", "1.5", "1e3", "18446744073709551616"}) {
    ExpectUsageError({"check", "--programs", v}, "--programs");
  }
}

TEST(Cli, SeedIsDecimalOrHexOver64BitsWithoutOctal) {
  for (const char* v : {"1e30", "1.9", "-1", "0x", "18446744073709551616", "0x1g", "+1"}) {
    ExpectUsageError({"check", "--seed", v}, "--seed");
  }
  const std::string corpus = EmptyCorpus();
  const std::string results = TempDir("seed-results");
  for (auto [given, shown] : std::vector<std::pair<std::string, std::string>>{
           {"010", "seed 10"}, {"0xffffffffffffffff", "seed 18446744073709551615"}}) {
    const CliRun r = RunCli({"check", "--no-driver", "--corpus", corpus, "--results", results, "--programs", "1",
                             "--seed", given});
    EXPECT_EQ(r.status, 0) << r.All();
    EXPECT_NE(r.out.find(shown), std::string::npos) << given << " should read as " << shown
                                                    << ":\n" << r.out;
  }
}

TEST(Cli, UnknownDeviceIsAUsageErrorEvenBeforeAnyFileRuns) {
  ExpectUsageError({"check", "--dut", "nosuch"}, "--dut");
  ExpectUsageError({"vectors", "run", "--dut", "nosuch", "x.vec"}, "--dut");
}

TEST(Cli, ExplainReadsNumbersWithoutOctal) {
  const CliRun r = RunCli({"explain", "l1std", "010"});
  EXPECT_EQ(r.status, 0) << r.All();
  // L1STD.Span is bits [4:0]: 010 is ten (0xa), not octal eight.
  EXPECT_NE(r.out.find("= 0xa\n"), std::string::npos) << r.out;
  ExpectUsageError({"explain", "ste", "0x10000000000000000"}, "DW");
  ExpectUsageError({"explain", "nosuch", "1"}, "KIND");
}

TEST(Cli, PathsAreRelativeToTheCallersDirectory) {
  const std::string dir = TempDir("relative");
  std::ofstream(dir + "/a.vec") << "smmuref-vectors 1\nreg.expect32 CR0 0\n";
  const CliRun r = RunCli({"vectors", "run", "a.vec"}, dir);
  EXPECT_EQ(r.status, 0) << r.All();
  EXPECT_NE(r.out.find("PASS  a.vec"), std::string::npos) << r.out;
}

namespace {

bool HasDevice(const std::string& name) {
  const CliRun r = RunCli({"vectors", "run", "--dut", name, "--help"});
  return r.status == 0;
}

std::string FirstLineWith(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  const size_t b = text.rfind('\n', at) + 1;
  return text.substr(b, text.find('\n', at) - b);
}

}  // namespace

TEST(CliCheck, ABadCorpusFileIsBadInputNotAPass) {
  const std::string corpus = TempDir("bad-corpus");
  std::ofstream(corpus + "/bad.vec") << "smmuref-vectors 1\nmem.write64 zz 0\n";
  const CliRun r = RunCli({"check", "--no-driver", "--corpus", corpus, "--dut", "model"});
  EXPECT_EQ(r.status, 2) << r.All();
  EXPECT_EQ(r.out.find("check: passed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad.vec:2: expected a number"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("check: bad input in 1 of 1 vector files"), std::string::npos) << r.out;
}

TEST(CliCheck, AnUnwritableResultsFolderIsAUsageErrorBeforeAnythingRuns) {
  const std::string dir = TempDir("unwritable");
  std::ofstream(dir + "/file") << "x";  // a folder below a regular file cannot be created
  const CliRun r = RunCli({"check", "--no-driver", "--corpus", EmptyCorpus(), "--programs", "5", "--results",
                           dir + "/file/results"});
  EXPECT_EQ(r.status, 2) << r.All();
  EXPECT_NE(r.err.find("--results: cannot create"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("written to"), std::string::npos) << r.out;
}

TEST(CliCheck, ReproducersAreFiledByDeviceAndSeedAndCiteTheirOwnLines) {
  if (!HasDevice("impl-mutant-11")) GTEST_SKIP() << "built without impl mutants";
  const std::string results = TempDir("repro");
  const CliRun r = RunCli({"check", "--no-driver", "--corpus", EmptyCorpus(), "--dut", "impl-mutant-11",
                           "--programs", "20", "--seed", "5", "--results", results});
  ASSERT_EQ(r.status, 1) << r.All();
  const std::string folder = results + "/check-impl-mutant-11-seed-5/";
  const std::string written = FirstLineWith(r.out, "MISMATCH written to ");
  ASSERT_NE(written.find(folder), std::string::npos) << r.out;
  const std::string file = written.substr(written.find(folder));
  // The cited line is the same when the reproducer is replayed.
  const std::string cited = FirstLineWith(r.out, file + ":");
  const CliRun replay = RunCli({"vectors", "run", "--dut", "impl-mutant-11", file});
  EXPECT_EQ(replay.status, 1) << replay.All();
  const std::string where = cited.substr(cited.find(file), cited.find(": MISMATCH") - cited.find(file));
  EXPECT_NE(replay.out.find("  " + where + ": MISMATCH"), std::string::npos)
      << "campaign cited " << where << ", replay says:\n" << replay.out;
  // Another device's run does not reuse the folder.
  const CliRun other = RunCli({"check", "--no-driver", "--corpus", EmptyCorpus(), "--dut", "impl", "--programs",
                               "5", "--seed", "5", "--results", results});
  EXPECT_EQ(other.status, 0) << other.All();
  const CliRun again = RunCli({"vectors", "run", "--dut", "impl-mutant-11", file});
  EXPECT_EQ(again.status, 1) << "the reproducer is still there";
}

TEST(Cli, ProfileValuesReadNumbersWithoutOctal) {
  const std::string dir = TempDir("octal-profile");
  std::ofstream(dir + "/p.profile") << "inherit full\nssidsize = 010\n";
  const CliRun r = RunCli({"profiles", "p.profile"}, dir);
  EXPECT_EQ(r.status, 0) << r.All();
  EXPECT_NE(r.out.find("ssidsize       10\n"), std::string::npos) << r.out;
  // A vector's override: IDR1 (SSIDSIZE in bits [10:6]) reads as with ten, not with eight.
  auto idr1 = [&](const std::string& value) {
    std::ofstream(dir + "/o.vec") << "smmuref-vectors 1\nprofile full ssidsize=" << value
                                  << "\nreg.expect32 IDR1 0\n";
    const CliRun v = RunCli({"vectors", "run", "o.vec"}, dir);
    EXPECT_EQ(v.status, 1) << v.All();
    return v.out.substr(v.out.find("observed "), 20);
  };
  EXPECT_EQ(idr1("010"), idr1("10"));
  EXPECT_NE(idr1("010"), idr1("8"));
}

// `check`'s area table names the device that ran each area: impl/api runs the api vectors for
// --dut impl; a DUT without an IOMMU API leaves them to the model, and the table says so.
TEST(Cli, CheckTableNamesTheDeviceThatRanTheApiVectors) {
  const std::string api = std::string(SMMUREF_SOURCE_DIR) + "/corpus/vectors/api";
  const std::string results = TempDir("ran-on-results");
  const CliRun impl = RunCli({"check", "--no-driver", "--corpus", api, "--results", results, "--programs", "1",
                              "--dut", "impl"}, "", 60);
  EXPECT_EQ(impl.status, 0) << impl.All();
  EXPECT_NE(impl.out.find("ran on"), std::string::npos) << impl.out;
  EXPECT_NE(impl.out.find("0          0  impl\n"), std::string::npos) << impl.out;
  const CliRun mutant = RunCli({"check", "--no-driver", "--corpus", api, "--results", results, "--programs", "1",
                                "--dut", "impl-mutant-1"}, "", 60);
  EXPECT_NE(mutant.out.find("model only (impl-mutant-1 has no IOMMU API)"), std::string::npos)
      << mutant.out;
}

// `rules` lists the rule ids of spec/rules.md, in its order; `--unreachable` gives some of them
// with a reason each (fuzz/campaign.py's report reads both).
TEST(Cli, RulesListsTheRuleIdsOfTheSpecAndTheUnreachableOnesWithReasons) {
  std::ifstream in(std::string(SMMUREF_SOURCE_DIR) + "/spec/rules.md");
  std::string want;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("- **R-", 0) != 0) continue;
    want += line.substr(4, line.find("**", 4) - 4) + "\n";
  }
  ASSERT_FALSE(want.empty());
  const CliRun all = RunCli({"rules"});
  EXPECT_EQ(all.status, 0) << all.All();
  EXPECT_EQ(all.out, want);
  const CliRun un = RunCli({"rules", "--unreachable"});
  EXPECT_EQ(un.status, 0) << un.All();
  std::istringstream lines(un.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const size_t colon = line.find(": ");
    ASSERT_NE(colon, std::string::npos) << line;
    EXPECT_NE(want.find(line.substr(0, colon) + "\n"), std::string::npos) << line;
    EXPECT_GT(line.size(), colon + 10) << "no reason: " << line;
  }
  EXPECT_GE(n, 1) << un.out;
}
