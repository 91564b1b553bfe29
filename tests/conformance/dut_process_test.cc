// Out-of-process DUTs (conform/src/dut/process_device.cc, spec/dut-protocol.md): a DUT in Python
// passes what it implements and reports the rest as not implemented; a DUT that crashes, hangs,
// sends garbage, answers another request, breaks the memory contract or speaks another protocol
// version is a device failure that names the DUT and the vector line, and the next vector runs
// with a new process.
#include <gtest/gtest.h>

#include <string>

#include "../../conform/src/dut/dut_device.h"
#include "smmuref/conform/runner.h"

using namespace smmuref;

namespace {

const std::string kRoot = SMMUREF_SOURCE_DIR;

// SMMUEN=0: the transaction bypasses (GBPA.ABORT=0) or aborts (1).
const char kDisabled[] =
    "smmuref-vectors 1\n"
    "profile full gbpa_abort_reset=0\n"
    "txn 0x1 - 0x1234 r\n"
    "expect ok 0x1234\n"
    "reg.write32 GBPA 0x80100000\n"
    "txn 0x1 - 0x1234 r\n"
    "expect abort\n";

// SMMUEN=1, which the Python example does not implement.
const char kEnabled[] =
    "smmuref-vectors 1\n"
    "profile full\n"
    "reg.write32 CR0 0x1\n"
    "txn 0x1 - 0x1234 r\n"
    "expect abort\n";

conform::FileReport RunText(const std::string& dut, const char* text) {
  auto f = conform::ParseVectorText(text, "t.vec");
  EXPECT_TRUE(f.ok());
  conform::RunOptions o;
  o.dut = dut;
  return conform::RunVectorFile(*f, o);
}

std::string Broken(const std::string& mode) {
  return "exec:" SMMUREF_PYTHON3 " " + kRoot + "/tests/conformance/duts/broken_dut.py " + mode;
}

const std::string kPython = "exec:" SMMUREF_PYTHON3 " " + kRoot + "/conform/examples/dut-python/bypass_smmu.py";

TEST(DutProcess, APythonDutPassesWhatItImplements) {
  const conform::FileReport r = RunText(kPython, kDisabled);
  EXPECT_FALSE(r.error) << r.error_message;
  EXPECT_EQ(r.passed, 2);
  EXPECT_EQ(r.mismatches, 0) << (r.failures.empty() ? "" : r.failures[0].message);
}

TEST(DutProcess, WhatItDoesNotImplementIsReportedAsSuchWithTheLine) {
  const conform::FileReport r = RunText(kPython, kEnabled);
  EXPECT_TRUE(r.NotImplemented()) << r.error_message;
  EXPECT_FALSE(r.Failed());
  EXPECT_NE(r.error_message.find("t.vec:4"), std::string::npos) << r.error_message;
  EXPECT_NE(r.error_message.find("SMMUEN=1"), std::string::npos) << r.error_message;
}

TEST(DutProcess, EveryWayOfBreakingIsADeviceFailureNamingTheDutAndLine) {
  // Only the hanging DUT waits for the timeout: the others get the default, so that a slow
  // Python start on a loaded machine is not mistaken for a hang.
  const std::pair<const char*, const char*> cases[] = {
      {"crash", "exited with status 3"},
      {"hang", "did not answer within"},
      {"garbage", "not a JSON object"},
      {"badid", "with another id"},
      {"unaligned", "not 8-byte aligned"},
      {"longline", "longer than 1 MiB"},
  };
  for (const auto& [mode, what] : cases) {
    conform::dut::SetProcessTimeout(std::string(mode) == "hang" ? 1 : 10);
    const conform::FileReport r = RunText(Broken(mode), kDisabled);
    EXPECT_TRUE(r.DeviceFailed()) << mode << ": " << r.error_message;
    EXPECT_EQ(r.mismatches, 0) << mode;
    EXPECT_NE(r.error_message.find("t.vec:3"), std::string::npos) << mode << ": " << r.error_message;
    EXPECT_NE(r.error_message.find("broken_dut.py " + std::string(mode)), std::string::npos)
        << mode << ": " << r.error_message;
    EXPECT_NE(r.error_message.find(what), std::string::npos) << mode << ": " << r.error_message;
  }
  conform::dut::SetProcessTimeout(10);
}

TEST(DutProcess, AnotherProtocolVersionIsRefusedAtTheHandshake) {
  const conform::FileReport r = RunText(Broken("protocol2"), kDisabled);
  EXPECT_TRUE(r.DeviceFailed()) << r.error_message;
  EXPECT_NE(r.error_message.find("protocol version 2"), std::string::npos) << r.error_message;
}

TEST(DutProcess, NotImplementedFromADutIsNotAFailure) {
  const conform::FileReport r = RunText(Broken("notimpl"), kDisabled);
  EXPECT_TRUE(r.NotImplemented()) << r.error_message;
}

TEST(DutProcess, TheNextVectorRunsAfterADeviceFailure) {
  EXPECT_TRUE(RunText(Broken("crash"), kDisabled).DeviceFailed());
  const conform::FileReport r = RunText(kPython, kDisabled);
  EXPECT_FALSE(r.error) << r.error_message;
  EXPECT_EQ(r.passed, 2);
}

// Memory writes, then a transaction: the DUT reads back what the notes told it.
const char kWrites[] =
    "smmuref-vectors 1\n"
    "profile full\n"
    "mem.write64 0x10000 0x11\n"
    "mem.write64 0x10008 0x22\n"
    "mem.write64 0x10000 0x33\n"
    "mem.abort 0x20000 0x1000\n"
    "txn 0x1 - 0x1234 r\n"
    "expect abort\n";

TEST(DutProcess, ADutThatAsksForMemoryNotesGetsEveryHarnessWriteInOrder) {
  const conform::FileReport r = RunText(Broken("notes"), kWrites);
  EXPECT_TRUE(r.NotImplemented()) << r.error_message;
  EXPECT_NE(r.error_message.find("2 noted words, all agree"), std::string::npos) << r.error_message;
}

TEST(DutProcess, ADutThatDoesNotAskGetsNoMemoryNotes) {
  const conform::FileReport r = RunText(Broken("nonotes"), kWrites);
  EXPECT_TRUE(r.NotImplemented()) << r.error_message;
  EXPECT_NE(r.error_message.find("0 noted words, all agree"), std::string::npos) << r.error_message;
}

TEST(DutProcess, ACommandThatDoesNotStartIsADeviceFailure) {
  const conform::FileReport r = RunText("exec:/nonexistent/dut", kDisabled);
  EXPECT_TRUE(r.DeviceFailed()) << r.error_message;
  EXPECT_NE(r.error_message.find("t.vec:2"), std::string::npos) << r.error_message;
}

}  // namespace
