// The device seam (conform/device.h): a device that writes its event record DURING the
// transaction, as hardware, an emulator or an RTL bench does, is observed after the step, so a
// wrong record is caught by lockstep in vectors and in the campaign; a device that stops (fails,
// or does not implement what a line needs) ends the file with its own kind of result, distinct
// from a mismatch and from bad input.
#include <gtest/gtest.h>

#include <cstdio>

#include <string>

#include "smmuref/conform/campaign.h"
#include "smmuref/conform/device.h"
#include "smmuref/conform/evtq_reader.h"
#include "smmuref/conform/runner.h"

#ifdef SMMUREF_HAVE_IMPL
using namespace smmuref;
using spec::Reg;

namespace {

const std::string kRoot = SMMUREF_SOURCE_DIR;

// A device that forwards every step to the impl engine; the test devices below change one step.
class Wrapper : public conform::Device {
 public:
  explicit Wrapper(std::unique_ptr<conform::Device> inner) : inner_(std::move(inner)) {}
  void MemWrite64(uint64_t pa, uint64_t v) override { inner_->MemWrite64(pa, v); }
  uint64_t MemRead64(uint64_t pa) override { return inner_->MemRead64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override { inner_->MemClean(pa, len); }
  void MemAbort(uint64_t pa, uint64_t len) override { inner_->MemAbort(pa, len); }
  uint64_t RegRead(Reg r) override { return inner_->RegRead(r); }
  void RegWrite(Reg r, uint64_t v) override { inner_->RegWrite(r, v); }
  void RegWrite32(Reg r, bool high, uint32_t v) override { inner_->RegWrite32(r, high, v); }
  void ProcessCommands() override { inner_->ProcessCommands(); }
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& t) override {
    return inner_->Translate(t);
  }

 protected:
  std::unique_ptr<conform::Device> inner_;
};

// The impl engine, plus a fault: whenever a transaction writes an event record, the device then
// flips the record's StreamID in memory — inside Translate, the only step a real device has.
// It still reports the record it meant to write, so only the record in memory gives it away.
class WrongRecordDevice final : public Wrapper {
 public:
  using Wrapper::Wrapper;
  std::string Name() const override { return "wrong-record"; }
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& t) override {
    const uint32_t prod = static_cast<uint32_t>(inner_->RegRead(Reg::EVENTQ_PROD));
    auto r = inner_->Translate(t);
    if (static_cast<uint32_t>(inner_->RegRead(Reg::EVENTQ_PROD)) != prod) {
      const conform::QueueGeometry q = conform::EventQueue(*inner_, spec::Profile{});
      const uint64_t slot = q.base + q.Index(prod) * 32;
      inner_->MemWrite64(slot, inner_->MemRead64(slot) ^ (uint64_t{1} << 32));  // StreamID bit 0
    }
    return r;
  }
};

// A device that stops at its first transaction, as a DUT that crashed would.
class StoppingDevice final : public Wrapper {
 public:
  StoppingDevice(std::unique_ptr<conform::Device> inner, spec::ErrorKind kind)
      : Wrapper(std::move(inner)), kind_(kind) {}
  std::string Name() const override { return "stopping"; }
  spec::Result<std::vector<spec::TxnOutcome>> Translate(const spec::Txn& t) override {
    Stop(spec::Error{"", "the DUT went away", kind_});
    return *Stopped();
  }

 private:
  spec::ErrorKind kind_;
};

// A device that does not implement command processing: it says so at the first `process`.
class NoCommandsDevice final : public Wrapper {
 public:
  using Wrapper::Wrapper;
  std::string Name() const override { return "no-commands"; }
  void ProcessCommands() override {
    Stop(spec::Error{"", "command processing", spec::ErrorKind::kNotImplemented});
  }
};

void RegisterTestDevices() {
  conform::RegisterDevice("test-no-commands", [](const spec::Profile& p)
                              -> spec::Result<std::unique_ptr<conform::Device>> {
    auto d = conform::MakeDevice("impl", p);
    if (!d) return d.error();
    return std::unique_ptr<conform::Device>(new NoCommandsDevice(std::move(*d)));
  });
  conform::RegisterDevice("test-wrong-record", [](const spec::Profile& p)
                              -> spec::Result<std::unique_ptr<conform::Device>> {
    auto d = conform::MakeDevice("impl", p);
    if (!d) return d.error();
    return std::unique_ptr<conform::Device>(new WrongRecordDevice(std::move(*d)));
  });
  for (auto [name, kind] : {std::pair{"test-crashing", spec::ErrorKind::kDeviceFailure},
                            std::pair{"test-partial", spec::ErrorKind::kNotImplemented}}) {
    conform::RegisterDevice(name, [kind = kind](const spec::Profile& p)
                                -> spec::Result<std::unique_ptr<conform::Device>> {
      auto d = conform::MakeDevice("impl", p);
      if (!d) return d.error();
      return std::unique_ptr<conform::Device>(new StoppingDevice(std::move(*d), kind));
    });
  }
}

conform::FileReport RunFile(const std::string& dut, const std::string& file) {
  RegisterTestDevices();
  conform::RunOptions o;
  o.dut = dut;
  return conform::RunVectorPath(kRoot + "/" + file, o);
}

TEST(Seam, ARecordWrittenWrongDuringTheTransactionIsCaughtInVectors) {
  const std::string file = "corpus/vectors/fault/record.vec";
  const conform::FileReport good = RunFile("impl", file);
  ASSERT_FALSE(good.error) << good.error_message;
  EXPECT_EQ(good.mismatches, 0);
  const conform::FileReport bad = RunFile("test-wrong-record", file);
  ASSERT_FALSE(bad.error) << bad.error_message;
  ASSERT_GT(bad.mismatches, 0);
  bool names_field = false;
  for (const auto& f : bad.failures) names_field |= f.message.find("StreamID") != std::string::npos;
  EXPECT_TRUE(names_field) << bad.failures.front().message;
}

TEST(Seam, ARecordWrittenWrongDuringTheTransactionIsCaughtInTheCampaign) {
  RegisterTestDevices();
  conform::CampaignOptions o;
  o.dut = "test-wrong-record";
  o.max_programs = 40;
  o.progress = false;
  o.results_dir = ::testing::TempDir() + "seam-results";
  const conform::CampaignReport bad = conform::RunCampaign(o);
  EXPECT_GT(bad.mismatches, 0u);
  EXPECT_EQ(bad.device_failures, 0u);
  o.dut = "impl";
  const conform::CampaignReport good = conform::RunCampaign(o);
  EXPECT_EQ(good.mismatches, 0u) << (good.mismatch_summaries.empty() ? "" : good.mismatch_summaries[0]);
}

TEST(Seam, ADeviceFailureEndsTheFileAsItsOwnKindOfResult) {
  const conform::FileReport r = RunFile("test-crashing", "corpus/vectors/fault/record.vec");
  EXPECT_TRUE(r.DeviceFailed());
  EXPECT_FALSE(r.BadInput());
  EXPECT_EQ(r.mismatches, 0);
  // Names the device and the vector line.
  EXPECT_NE(r.error_message.find("record.vec:"), std::string::npos) << r.error_message;
  EXPECT_NE(r.error_message.find("test-crashing: the DUT went away"), std::string::npos)
      << r.error_message;
}

TEST(Seam, NotImplementedIsNeitherAFailureNorBadInput) {
  const conform::FileReport r = RunFile("test-partial", "corpus/vectors/fault/record.vec");
  EXPECT_TRUE(r.NotImplemented());
  EXPECT_FALSE(r.DeviceFailed());
  EXPECT_FALSE(r.BadInput());
  EXPECT_FALSE(r.Failed());
}

TEST(Seam, WhatAStoppedDeviceDidNotWriteIsNotADifference) {
  // The model writes the CMD_SYNC's MSI; the DUT does not implement command processing and
  // says so: the file is "not implemented", not a mismatch on the MSI word (found with the
  // Python example DUT, whose campaign reported one).
  const std::string path = ::testing::TempDir() + "seam-msi.vec";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("smmuref-vectors 1\nprofile full\nreg.write64 CMDQ_BASE 0x210004\n"
             "reg.write32 CMDQ_PROD 0\nreg.write32 CMDQ_CONS 0\nreg.write32 CR0 0x8\n"
             "cmd 0x900001046 0x300000\nprocess\n", f);
  std::fclose(f);
  RegisterTestDevices();
  conform::RunOptions o;
  o.dut = "test-no-commands";
  const conform::FileReport r = conform::RunVectorPath(path, o);
  EXPECT_TRUE(r.NotImplemented()) << r.error_message;
  EXPECT_FALSE(r.Failed()) << (r.failures.empty() ? "" : r.failures.front().message);
}

TEST(Seam, DeviceFailuresInTheCampaignAreNotMismatches) {
  RegisterTestDevices();
  conform::CampaignOptions o;
  o.dut = "test-crashing";
  o.max_programs = 5;
  o.progress = false;
  o.results_dir = ::testing::TempDir() + "seam-results";
  const conform::CampaignReport r = conform::RunCampaign(o);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_GT(r.device_failures, 0u);
}

}  // namespace
#endif
