// `vectors run --strict` in the runner library: per expectation, how many outcomes the model
// allowed and how many of them the expectation accepts (FileReport::room).
#include "smmuref/conform/runner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "smmuref/conform/device.h"

using namespace smmuref::conform;

namespace {

// SMMUEN=0: GBPA.ABORT resets to an IMPLEMENTATION DEFINED value (C-REG-002), so under `full`
// (gbpa_abort_reset=any) a transaction may bypass or abort; pinned to 0 it can only bypass.
std::string Body(const std::string& profile) {
  return "smmuref-vectors 1\n"
         "profile " + profile + "\n"
         "txn 1 - 0x1234 r\n"
         "expect ok 0x1234\n"
         "txn 1 - 0x1234 r\n"
         "expect oneof ok 0x1234 | abort\n"
         "reg.expect32 CR0ACK 0\n";
}

FileReport Strict(const std::string& text, const std::string& dut = "model") {
  auto f = ParseVectorText(text, "t.vec");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().ToString());
  if (!f.ok()) return {};
  RunOptions o;
  o.dut = dut;
  o.strict = true;
  return RunVectorFile(*f, o);
}

}  // namespace

TEST(Strict, CountsTheModelsOutcomesAndTheAcceptedOnes) {
  const FileReport r = Strict(Body("full"));
  ASSERT_FALSE(r.error) << r.error_message;
  ASSERT_EQ(r.room.size(), 3u);
  // `expect ok` accepts one of the two allowed outcomes, and names the one it does not.
  EXPECT_EQ(r.room[0].kind, Room::Kind::kTxn);
  EXPECT_EQ(r.room[0].where, "t.vec:4");
  EXPECT_EQ(r.room[0].allowed, 2u);
  EXPECT_EQ(r.room[0].accepted, 1u);
  ASSERT_EQ(r.room[0].rejected.size(), 1u);
  EXPECT_EQ(r.room[0].rejected[0].rfind("abort", 0), 0u) << r.room[0].rejected[0];
  EXPECT_TRUE(r.room[0].Open());
  // `expect oneof` accepts both.
  EXPECT_EQ(r.room[1].allowed, 2u);
  EXPECT_EQ(r.room[1].accepted, 2u);
  EXPECT_TRUE(r.room[1].rejected.empty());
  // A register has one allowed value on the bits it compares.
  EXPECT_EQ(r.room[2].kind, Room::Kind::kReg);
  EXPECT_FALSE(r.room[2].Open());
}

TEST(Strict, APinnedProfileFieldLeavesOneOutcome) {
  const FileReport r = Strict(Body("full gbpa_abort_reset=0"));
  ASSERT_FALSE(r.error) << r.error_message;
  ASSERT_EQ(r.room.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.room[i].allowed, 1u) << i;
    EXPECT_EQ(r.room[i].accepted, 1u) << i;
    EXPECT_FALSE(r.room[i].Open()) << i;
  }
}

TEST(Strict, OffByDefault) {
  auto f = ParseVectorText(Body("full"), "t.vec");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(RunVectorFile(*f, RunOptions{}).room.empty());
}

TEST(Strict, LockstepCountsTheModelsSetNotTheDevicesOneOutcome) {
  const auto names = DeviceNames();
  if (std::find(names.begin(), names.end(), "impl") == names.end()) {
    GTEST_SKIP() << "built without impl";
  }
  const FileReport r = Strict(Body("full"), "impl");
  ASSERT_FALSE(r.error) << r.error_message;
  ASSERT_EQ(r.room.size(), 3u);
  EXPECT_EQ(r.room[0].allowed, 2u);
  EXPECT_EQ(r.room[1].allowed, 2u);
  EXPECT_EQ(r.room[1].accepted, 2u);
}

TEST(Strict, AnUnknownEventQueueAllowsAnything) {
  // EVENTQ_PROD resets UNKNOWN (C-REG-001): until it is written the queue may hold anything.
  const FileReport r = Strict("smmuref-vectors 1\nprofile full\nevent.none\n"
                              "reg.write32 EVENTQ_PROD 0\nreg.write32 EVENTQ_CONS 0\nevent.none\n");
  ASSERT_FALSE(r.error) << r.error_message;
  ASSERT_EQ(r.room.size(), 2u);
  EXPECT_TRUE(r.room[0].any);
  EXPECT_FALSE(r.room[1].any);
}
