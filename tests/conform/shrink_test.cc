// Shrinking of failing vectors (conform/src/shrink.cc): a planted bug found by the campaign
// shrinks to a few dozen lines that still fail the same way on the mutant and pass on the
// engine; the predicate keeps the failure's kind, check and rule; the result is deterministic.
#include "smmuref/conform/shrink.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "smmuref/conform/campaign.h"
#include "smmuref/conform/device.h"

namespace smmuref::conform {
namespace {

namespace fs = std::filesystem;

bool HasDevice(const std::string& name) { return DeviceNameProblem(name).empty(); }

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines that are neither blank nor comments, the header included.
size_t ContentLines(const std::string& text) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    const size_t b = line.find_first_not_of(" \t");
    if (b != std::string::npos && line[b] != '#') ++n;
  }
  return n;
}

// The README's example with its last expectation wrong: an unprivileged read expected to
// complete, which R-PERM-001 faults (on the model, and on every correct device).
const char* kFailingExample = R"(smmuref-vectors 1
profile full
reg.write64 STRTAB_BASE 0x100000
reg.write32 STRTAB_BASE_CFG 0x4          # linear, 16 StreamIDs
reg.write64 EVENTQ_BASE 0x200004         # 16 event records
mem.write64 0x1000c0 0x30000b            # STE SID 3: V=1 Config=0b101 (stage 1) CD at 0x300000
mem.write64 0x300000 0x16205c0000010     # CD: T0SZ=16 EPD1 V IPS=48 bits AA64 R A ASID=1
mem.write64 0x300008 0x400000            # TTB0
mem.write64 0x400000 0x401003            # 4KB tables, start level 0
mem.write64 0x401000 0x402003
mem.write64 0x402000 0x403003
mem.write64 0x403008 0x800403            # page: AF=1, AP=0b00 (privileged read/write)
reg.write32 CR0 0xd                      # SMMUEN | EVENTQEN | CMDQEN, after the tables
txn 3 - 0x1234 rp
expect ok 0x800234
txn 3 - 0x1234 r
expect ok 0x800234
)";

FileReport RunText(const std::string& text, const std::string& dut) {
  auto f = ParseVectorText(text, "t.vec");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().ToString());
  RunOptions ro;
  ro.dut = dut;
  return f.ok() ? RunVectorFile(*f, ro) : FileReport{};
}

// A campaign of impl-mutant-K (by seed) to its first mismatch, shrinking it; the reproducer and
// its shrunk form, in a results folder of the test's own (ctest may run tests in parallel).
struct Found {
  std::string full, shrunk;
  std::string note;
};
Found Campaign(int mutant, uint64_t seed, const std::string& folder) {
  CampaignOptions o;
  o.dut = "impl-mutant-" + std::to_string(mutant);
  o.seed = seed;
  o.max_programs = kDefaultPrograms;
  o.stop_at_first_mismatch = true;
  o.progress = false;
  o.jobs = 1;
  o.results_dir = (fs::temp_directory_path() / ("smmuref-shrink-test-" + folder)).string();
  const CampaignReport r = RunCampaign(o);
  Found f;
  if (r.mismatch_files.empty()) return f;
  f.full = r.mismatch_files.front();
  if (!r.shrunk_files.empty()) f.shrunk = r.shrunk_files.front();
  if (!r.shrink_notes.empty()) f.note = r.shrink_notes.front();
  return f;
}

// Every engine mutant, each found by the campaign with seed 1 (the budget of `check`).
TEST(Shrink, PlantedBugShrinksToAFewDozenLinesThatStillCatchIt) {
  if (ImplMutants().empty()) GTEST_SKIP() << "built without impl mutants";
  for (const auto& [mutant, what] : ImplMutants()) {
    SCOPED_TRACE("impl-mutant-" + std::to_string(mutant) + ": " + what);
    const std::string dut = "impl-mutant-" + std::to_string(mutant);
    const Found f = Campaign(mutant, 1, "planted");
    ASSERT_FALSE(f.full.empty()) << dut << ": the campaign found no mismatch";
    ASSERT_FALSE(f.shrunk.empty()) << dut << ": " << f.note;
    EXPECT_EQ(fs::path(f.shrunk).parent_path(), fs::path(f.full).parent_path());
    EXPECT_EQ(fs::path(f.shrunk).filename().string(),
              fs::path(f.full).stem().string() + ".min.vec");
    const std::string text = Slurp(f.shrunk);
    EXPECT_LE(ContentLines(text), 40u) << text;
    EXPECT_LT(ContentLines(text), ContentLines(Slurp(f.full)));
    EXPECT_NE(text.find("# replay: smmuref vectors run --dut " + dut + " " + f.shrunk),
              std::string::npos) << text;
    EXPECT_NE(text.find("# failure kept: "), std::string::npos) << text;
    // Replayed as a file, it fails the way the full reproducer does ...
    RunOptions on_mutant;
    on_mutant.dut = dut;
    const FileReport full = RunVectorPath(f.full, on_mutant);
    const FileReport small = RunVectorPath(f.shrunk, on_mutant);
    EXPECT_TRUE(small.Failed()) << text;
    EXPECT_EQ(SignatureOf(small), SignatureOf(full)) << SignatureOf(small).ToString() << " vs "
                                                     << SignatureOf(full).ToString();
    EXPECT_NE(SignatureOf(small).rule, "");
    EXPECT_NE(text.find("[" + SignatureOf(full).rule + "]"), std::string::npos) << text;
    // ... and passes on the engine without the mutation: it captures the bug, not a mistake.
    RunOptions on_impl;
    on_impl.dut = "impl";
    const FileReport clean = RunVectorPath(f.shrunk, on_impl);
    EXPECT_FALSE(clean.Failed() || clean.error)
        << (clean.failures.empty() ? clean.error_message : clean.failures[0].message);
  }
}

TEST(Shrink, PredicateRejectsACandidateWhoseFailureChangedRule) {
  const FileReport original = RunText(kFailingExample, "model");
  const FailureSignature want = SignatureOf(original);
  ASSERT_EQ(want.kind, FailureSignature::Kind::kExpectation) << want.ToString();
  EXPECT_EQ(want.rule, "R-PERM-001");
  EXPECT_EQ(want.check, "expect");
  EXPECT_TRUE(SameFailure(want, original));
  // The same expectation failing on an unmapped page: another rule decided it.
  std::string other = kFailingExample;
  other.replace(other.rfind("txn 3 - 0x1234 r"), 16, "txn 3 - 0x9234 r");
  const FileReport moved = RunText(other, "model");
  ASSERT_TRUE(moved.Failed());
  EXPECT_NE(SignatureOf(moved).rule, "R-PERM-001");
  EXPECT_FALSE(SameFailure(want, moved)) << SignatureOf(moved).ToString();
  // A failure turned into bad input, and a pass, are rejected too.
  const FileReport bad = RunText(std::string(kFailingExample) + "bogus.op 1\n", "model");
  EXPECT_FALSE(SameFailure(want, bad));
  std::string passing = kFailingExample;
  passing.erase(passing.rfind("txn 3 - 0x1234 r"));
  EXPECT_FALSE(SameFailure(want, RunText(passing, "model")));
  // Another check class under the same rule is another failure.
  FileReport relabelled = original;
  relabelled.failures.front().check = "reg.expect";
  EXPECT_FALSE(SameFailure(want, relabelled));
}

TEST(Shrink, ExampleShrinksToWhatTheFaultNeeds) {
  ShrinkOptions o;
  o.run.dut = "model";
  auto r = ShrinkVector(kFailingExample, "t.vec", o);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->kept.rule, "R-PERM-001");
  EXPECT_EQ(r->original_lines, 16u);
  EXPECT_LT(r->shrunk_lines, r->original_lines);
  EXPECT_TRUE(r->stopped_by.empty()) << r->stopped_by;
  // The privileged transaction and its expectation are not needed; the faulting one is.
  EXPECT_EQ(r->text.find(" rp\n"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("txn 3 - "), std::string::npos) << r->text;
  EXPECT_TRUE(SameFailure(r->kept, RunText(r->text, "model"))) << r->text;
}

TEST(Shrink, SameInputSameOutput) {
  ShrinkOptions o;
  o.run.dut = "model";
  auto a = ShrinkVector(kFailingExample, "t.vec", o);
  auto b = ShrinkVector(kFailingExample, "t.vec", o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->text, b->text);
  EXPECT_EQ(a->runs, b->runs);
  if (!HasDevice("impl-mutant-3")) GTEST_SKIP() << "built without impl mutants";
  const Found f = Campaign(3, 1, "determinism");
  ASSERT_FALSE(f.full.empty());
  ShrinkOptions m;
  m.run.dut = "impl-mutant-3";
  m.max_seconds = 0;  // the run bound only, so that nothing depends on the machine's speed
  auto x = ShrinkVector(Slurp(f.full), f.full, m);
  auto y = ShrinkVector(Slurp(f.full), f.full, m);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_EQ(x->text, y->text);
  EXPECT_EQ(x->runs, y->runs);
  EXPECT_EQ(x->kept, y->kept);
}

TEST(Shrink, RunBoundStopsItAndSaysSo) {
  ShrinkOptions o;
  o.run.dut = "model";
  o.max_runs = 3;
  auto r = ShrinkVector(kFailingExample, "t.vec", o);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->stopped_by.find("candidate-run bound"), std::string::npos) << r->stopped_by;
  EXPECT_LE(r->runs, 4u);
  EXPECT_TRUE(SameFailure(r->kept, RunText(r->text, "model")));
  EXPECT_NE(ShrinkNote(*r).find("stopped by"), std::string::npos);
}

TEST(Shrink, PassingFileHasNothingToShrinkAndBadInputIsAnError) {
  ShrinkOptions o;
  o.run.dut = "model";
  std::string passing = kFailingExample;
  passing.erase(passing.rfind("txn 3 - 0x1234 r"));
  auto p = ShrinkVector(passing, "t.vec", o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kept.kind, FailureSignature::Kind::kNone);
  auto bad = ShrinkVector("smmuref-vectors 1\nbogus.op\n", "t.vec", o);
  EXPECT_FALSE(bad.ok());
}

TEST(Shrink, ProfileOfTheRunIsWrittenIntoTheVector) {
  ShrinkOptions o;
  o.run.dut = "model";
  o.run.profile = "s1only-nossid";
  std::string text = kFailingExample;
  text.replace(text.find("profile full"), 12, "profile full ssidsize=4");
  auto r = ShrinkVector(text, "t.vec", o);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_NE(r->text.find("profile s1only-nossid\n"), std::string::npos) << r->text;
  EXPECT_EQ(r->text.find("ssidsize"), std::string::npos) << r->text;
  // It replays without RunOptions::profile.
  EXPECT_TRUE(SameFailure(r->kept, RunText(r->text, "model"))) << r->text;
}

}  // namespace
}  // namespace smmuref::conform
