// Vector parsing and the runner: expectations that hold and fail, and bad input that must give a
// file:line error instead of a crash.
#include "smmuref/conform/runner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "smmuref/conform/device.h"
#include "smmuref/conform/explain.h"

using namespace smmuref::conform;

namespace {

const char kSetup[] =
    "smmuref-vectors 1\n"
    "profile full\n"
    "reg.write64 STRTAB_BASE 0x100000\n"
    "reg.write32 STRTAB_BASE_CFG 0x4\n"
    "reg.write64 EVENTQ_BASE 0x200004\n"
    "reg.write64 CMDQ_BASE 0x210004\n"
    "reg.write32 CMDQ_PROD 0\nreg.write32 CMDQ_CONS 0\n"  // reset values are UNKNOWN
    "reg.write32 EVENTQ_PROD 0\nreg.write32 EVENTQ_CONS 0\n"
    "reg.write32 CR0 0xd\n"
    "mem.write64 0x100040 0x9   # SID 1 bypass\n";

FileReport RunBody(const std::string& body) {
  auto f = ParseVectorText(std::string(kSetup) + body, "t.vec");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().ToString());
  if (!f.ok()) return {};
  return RunVectorFile(*f, RunOptions{});
}

std::string ErrorOf(const std::string& text) {
  auto f = ParseVectorText(text, "bad.vec");
  if (!f.ok()) return f.error().ToString();
  FileReport r = RunVectorFile(*f, RunOptions{});
  return r.error ? r.error_message : "";
}

}  // namespace

TEST(Runner, PassingExpectationsAreCounted) {
  FileReport r = RunBody("txn 1 - 0x1234 r\nexpect ok 0x1234\ntxn 2 - 0 w\n"
                     "expect fault C_BAD_STE sid=2 rnw=0\nevent.none\nreg.expect32 CR0ACK 0xd\n");
  EXPECT_FALSE(r.error) << r.error_message;
  EXPECT_EQ(r.passed, 4);
  EXPECT_EQ(r.failed, 0);
}

TEST(Runner, FailedFaultExpectationNamesTheFieldAndLeavesNoStaleRecord) {
  // The first expectation names a wrong StreamID: the failure names the field, and the record
  // is consumed so that the second expectation reads its own record (R-FAULT-009).
  FileReport r = RunBody("txn 2 - 0 w\nexpect fault C_BAD_STE sid=9\n"
                         "txn 3 - 0 w\nexpect fault C_BAD_STE sid=3\nevent.none\n");
  ASSERT_EQ(r.failed, 1) << (r.failures.empty() ? "" : r.failures[0].message);
  EXPECT_NE(r.failures[0].message.find("field StreamID (sid)"), std::string::npos)
      << r.failures[0].message;
  EXPECT_EQ(r.passed, 2);
}

TEST(Runner, FaultExpectationOfTheWrongKindConsumesTheRecord) {
  // expect ok on a faulting transaction fails; its C_BAD_STE record does not stay in the queue.
  FileReport r = RunBody("txn 2 - 0 w\nexpect ok 0\nevent.none\n");
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.passed, 1);
}

TEST(Runner, Res0EventFieldsReadAsZero) {
  // R-FAULT-009: C_BAD_STE has no InputAddr; naming it compares against the RES0 value 0.
  FileReport r = RunBody("txn 2 - 0x1234 w\nexpect fault C_BAD_STE sid=2 addr=0x1234\n"
                         "txn 2 - 0x1234 w\nexpect fault C_BAD_STE sid=2 addr=0\n");
  ASSERT_EQ(r.failed, 1);
  EXPECT_NE(r.failures[0].message.find("is RES0 in C_BAD_STE records"), std::string::npos)
      << r.failures[0].message;
}

TEST(Runner, FailingExpectationSaysExpectedAndObservedWithLine) {
  FileReport r = RunBody("txn 1 - 0x1234 r\nexpect ok 0x9999\n");
  ASSERT_EQ(r.failed, 1);
  EXPECT_EQ(r.failures[0].where, "t.vec:14");
  EXPECT_NE(r.failures[0].message.find("0x9999"), std::string::npos);
  // The STE was written after SMMUEN=1 without CFGI_STE: the zero (invalid) STE held before may
  // be cached, so the allowed set also holds C_BAD_STE, with the line that stored what it used.
  EXPECT_NE(r.failures[0].message.find("2 allowed outcomes"), std::string::npos);
  EXPECT_NE(r.failures[0].message.find("- ok 0x1234"), std::string::npos);
  EXPECT_NE(r.failures[0].message.find("C_BAD_STE"), std::string::npos);
  EXPECT_NE(r.failures[0].message.find("STE@0x100040 from line 0"), std::string::npos);
}

TEST(Runner, AnInvalidatedSteHasOneOutcome) {
  FileReport r = RunBody("cmd 0x100000003 0\ncmd 0x46 0\nprocess\ntxn 1 - 0x1234 r\nexpect ok 0x9999\n");
  ASSERT_EQ(r.failed, 1);
  EXPECT_NE(r.failures[0].message.find("observed ok 0x1234"), std::string::npos)
      << r.failures[0].message;
}

TEST(Runner, FaultFieldMismatchFails) {
  FileReport r = RunBody("txn 2 - 0 w\nexpect fault C_BAD_STE sid=3\n");
  EXPECT_EQ(r.failed, 1);
  FileReport q = RunBody("txn 2 - 0 w\nexpect abort\n");
  EXPECT_EQ(q.failed, 1) << "an abort expectation must fail when an event record was written";
}

TEST(Runner, FaultTermDistinguishesRazFromAbort) {
  FileReport r = RunBody("txn 2 - 0 w\nexpect fault C_BAD_STE term=raz\n");
  EXPECT_EQ(r.failed, 1) << "C_BAD_STE always aborts";
  FileReport q = RunBody("txn 2 - 0 w\nexpect fault C_BAD_STE term=abort\n");
  EXPECT_EQ(q.passed, 1);
}

TEST(Runner, OneofAcceptsAnyAlternative) {
  FileReport r = RunBody("txn 1 - 0x10 r\nexpect oneof abort | ok 0x10\n");
  EXPECT_EQ(r.passed, 1);
  EXPECT_EQ(r.failed, 0);
}

TEST(Runner, CmdLinesFeedTheQueue) {
  FileReport r = RunBody("cmd 0x46 0\ncmd 0x46 0\nprocess\nreg.expect32 CMDQ_CONS 2\n");
  EXPECT_EQ(r.passed, 1);
}

TEST(Runner, BadInputGivesFileAndLine) {
  EXPECT_EQ(ErrorOf(""), "bad.vec:1: empty file: expected 'smmuref-vectors 1'");
  EXPECT_NE(ErrorOf("smmuref-vectors 2\n").find("unsupported"), std::string::npos);
  EXPECT_NE(ErrorOf("hello\n").find("bad.vec:1"), std::string::npos);
  EXPECT_EQ(ErrorOf("smmuref-vectors 1\nreg.write32 CR9 1\n"), "bad.vec:2: unknown register 'CR9'");
  EXPECT_NE(ErrorOf("smmuref-vectors 1\nprofile nosuch\n").find("bad.vec:2"), std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\nmem.write64 0x1001 0\n").find("aligned"), std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\nmem.write64 0x10000000000000000 0\n").find("64 bits"),
            std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\nreg.write32 CR0 0x100000000\n").find("32 bits"),
            std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\nexpect ok 0\n").find("follow a 'txn'"), std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\ntxn 1 - 0 q\n").find("ACCESS"), std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\ntxn 1 - 0\n").find("expects"), std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\ntxn 1 - 0 r\nexpect fault NOPE\n").find("unknown event"),
            std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\ntxn 1 - 0 r\nexpect fault C_BAD_STE foo=1\n")
                .find("unknown event field"),
            std::string::npos);
  EXPECT_NE(ErrorOf("smmuref-vectors 1\nfrobnicate\n").find("unknown operation"),
            std::string::npos);
}

TEST(Runner, EventDrainConsumesEveryRecordAndAcknowledgesOverflow) {
  // 16-record queue: 17 C_BAD_STE faults fill it and overflow once (OVFLG toggles).
  std::string body;
  for (int i = 0; i < 17; ++i) body += "txn 2 - 0 r\n";
  body += "reg.expect32 EVENTQ_PROD 0x80000010\nevent.drain\nreg.expect32 EVENTQ_CONS 0x80000010\n"
          "event.none\ntxn 2 - 0 r\nreg.expect32 EVENTQ_PROD 0x80000011\n";
  FileReport r = RunBody(body);
  EXPECT_FALSE(r.error) << r.error_message;
  EXPECT_EQ(r.failed, 0) << (r.failures.empty() ? "" : r.failures[0].message);
  EXPECT_EQ(r.passed, 4);
}

TEST(Runner, CmdSkipReplacesTheRefusedCommandAndGerrorAckResumes) {
  // A reserved opcode stops the queue; skipping it changes nothing until GERRORN acknowledges the
  // error; then the queue runs on to the next refused command, which raises the error again.
  FileReport r = RunBody(
      "cmd 0x0 0x0\ncmd 0x46 0x0\nprocess\nreg.expect32 CMDQ_CONS 0x1000000\n"
      "reg.expect32 GERROR 0x1\ncmd.skip\nprocess\nreg.expect32 CMDQ_CONS 0x1000000\n"
      "gerror.ack\nreg.expect32 GERRORN 0x1\nprocess\ncmd 0x0 0x0\nprocess\n"
      "reg.expect32 GERROR 0x0\nreg.expect32 CMDQ_CONS 0x1000002\n");
  EXPECT_FALSE(r.error) << r.error_message;
  EXPECT_EQ(r.failed, 0) << (r.failures.empty() ? "" : r.failures[0].message);
  EXPECT_EQ(r.passed, 6);
}

TEST(Runner, DriverStepsTakeNoArguments) {
  const std::string error = ErrorOf(std::string(kSetup) + "event.drain 1\n");
  EXPECT_NE(error.find("bad.vec:"), std::string::npos) << error;
  EXPECT_NE(error.find(": 'event.drain' expects"), std::string::npos) << error;
}

TEST(Runner, CommentsAndBlankLinesAreIgnored) {
  auto f = ParseVectorText("# header comment\n\nsmmuref-vectors 1  # v1\n\n  # x\nprocess\n", "c.vec");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->lines.size(), 1u);
  EXPECT_EQ(f->lines[0].line, 6);
}

TEST(Explain, NamesEveryViolatedRule) {
  auto p = smmuref::spec::LoadProfile("s1only-nossid");
  ASSERT_TRUE(p.ok());
  // V=1, Config=0b110 (stage 2) on an SMMU without stage 2.
  auto text = Explain("ste", {0xd}, *p);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("ILLEGAL"), std::string::npos);
  EXPECT_NE(text->find("R-STE-004"), std::string::npos);
  EXPECT_FALSE(Explain("ste", std::vector<uint64_t>(9, 0), *p).ok());
  EXPECT_FALSE(Explain("nosuch", {0}, *p).ok());
}

TEST(Runner, CmdIntoAFullQueueIsBadInputNotAnOverwrite) {
  // CMDQ_BASE 0x210004: 16 entries. SMMUEN is set but nothing is consumed until `process`.
  std::string body;
  for (int i = 0; i < 16; ++i) body += "cmd 0x46 0\n";
  // After `process` the queue is empty again and takes 16 more.
  FileReport ok = RunBody(body + "process\nreg.expect32 CMDQ_CONS 0x10\n" + body +
                          "process\nreg.expect32 CMDQ_CONS 0\n");
  EXPECT_FALSE(ok.error) << ok.error_message;
  EXPECT_EQ(ok.passed, 2);
  const std::string err = ErrorOf(std::string(kSetup) + body + "cmd 0x46 0\n");
  EXPECT_NE(err.find("bad.vec:29: the command queue is full (16 unconsumed commands"),
            std::string::npos) << err;
}

TEST(Runner, MemoryRangesEndAt2To64) {
  // mem.clean of the last word looped forever in the model (the index wrapped past 2^64).
  FileReport r = RunBody("mem.write64 0xfffffffffffffff8 1\nmem.clean 0xfffffffffffffff8 8\n"
                         "mem.abort 0xfffffffffffffff0 0x10\nmem.clean 0 0xffffffffffffffff\n");
  EXPECT_FALSE(r.error) << r.error_message;
  for (const char* op : {"mem.clean", "mem.abort"}) {
    const std::string err = ErrorOf(std::string("smmuref-vectors 1\n") + op +
                                    " 0xfffffffffffffff8 9\n");
    EXPECT_NE(err.find("bad.vec:2: "), std::string::npos) << err;
    EXPECT_NE(err.find("ends past 2^64"), std::string::npos) << err;
  }
}

TEST(Runner, UnknownDeviceIsAnErrorEvenWithOnlyApiLines) {
  auto f = ParseVectorText("smmuref-vectors 1\napi.instance s0 -> 0\n", "api.vec");
  ASSERT_TRUE(f.ok());
  FileReport r = RunVectorFile(*f, RunOptions{"nosuch"});
  EXPECT_TRUE(r.error);
  EXPECT_NE(r.error_message.find("unknown device 'nosuch'"), std::string::npos) << r.error_message;
}

TEST(Runner, DisagreementsAreCountedApartFromFailedExpectations) {
  const auto names = DeviceNames();
  if (std::find(names.begin(), names.end(), "impl-mutant-11") == names.end()) {
    GTEST_SKIP() << "built without impl mutants";
  }
  // Mutant 11's CMDQ_CONS does not toggle its wrap bit: CONS disagrees after 16 commands.
  std::string body;
  for (int i = 0; i < 16; ++i) body += "cmd 0x46 0\n";
  auto f = ParseVectorText(std::string(kSetup) + body + "process\nreg.expect32 CR0 0\n", "m.vec");
  ASSERT_TRUE(f.ok());
  FileReport r = RunVectorFile(*f, RunOptions{"impl-mutant-11"});
  EXPECT_FALSE(r.error) << r.error_message;
  EXPECT_GE(r.mismatches, 1);
  EXPECT_EQ(r.failed, 1) << "only the reg.expect32 is a failed expectation";
  EXPECT_EQ(r.passed, 0);
  EXPECT_EQ(r.failures.size(), static_cast<size_t>(r.failed + r.mismatches));
  EXPECT_TRUE(r.Failed());
}
