// The DUT ABI (spec/include/smmuref/dut.h): the optimized engine exported through it
// ("impl-abi", conform/src/dut/impl_plugin.cc, with the harness owning memory) gives exactly the
// results it gives directly ("impl") on every shipped vector and in the campaign; the loader
// refuses a shared object that is not a DUT or lies about its ABI version.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "../../conform/src/dut/dut_device.h"
#include "smmuref/conform/campaign.h"
#include "smmuref/conform/runner.h"

#ifdef SMMUREF_HAVE_IMPL
using namespace smmuref;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = SMMUREF_SOURCE_DIR;

std::vector<std::string> ShippedVectors() {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(kRoot + "/corpus/vectors")) {
    if (e.is_regular_file() && e.path().extension() == ".vec") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(DutAbi, ImplThroughTheAbiPassesExactlyAsDirectly) {
  const auto files = ShippedVectors();
  ASSERT_GT(files.size(), 50u);
  int translations = 0;
  for (const auto& f : files) {
    conform::RunOptions direct, abi;
    direct.dut = "impl";
    abi.dut = "impl-abi";
    const conform::FileReport a = conform::RunVectorPath(f, direct);
    const conform::FileReport b = conform::RunVectorPath(f, abi);
    EXPECT_EQ(a.error, b.error) << f << ": " << a.error_message << " / " << b.error_message;
    EXPECT_EQ(a.passed, b.passed) << f;
    EXPECT_EQ(a.failed, b.failed) << f;
    EXPECT_EQ(a.mismatches, b.mismatches)
        << f << ": " << (b.failures.empty() ? "" : b.failures.front().message);
    EXPECT_EQ(a.translations, b.translations) << f;
    EXPECT_EQ(a.rules, b.rules) << f;
    EXPECT_EQ(a.observations, b.observations) << f;
    translations += b.translations;
  }
  EXPECT_GT(translations, 500);
}

TEST(DutAbi, ImplThroughTheAbiAgreesWithTheModelInTheCampaign) {
  conform::CampaignOptions o;
  o.dut = "impl-abi";
  o.max_programs = 60;
  o.progress = false;
  o.results_dir = ::testing::TempDir() + "abi-results";
  const conform::CampaignReport abi = conform::RunCampaign(o);
  o.dut = "impl";
  const conform::CampaignReport direct = conform::RunCampaign(o);
  EXPECT_EQ(abi.mismatches, 0u) << (abi.mismatch_summaries.empty() ? "" : abi.mismatch_summaries[0]);
  EXPECT_EQ(abi.device_failures, 0u);
  EXPECT_EQ(abi.translations, direct.translations);
  EXPECT_EQ(abi.rules, direct.rules);
  EXPECT_EQ(abi.observations, direct.observations);
}

TEST(DutAbi, TheLoaderRefusesWhatIsNotADut) {
  // A shared object without the version symbol (the C library itself).
  auto r = conform::dut::LoadPlugin("/lib/x86_64-linux-gnu/libm.so.6");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, spec::ErrorKind::kDeviceFailure);
  EXPECT_NE(r.error().message.find("smmuref_dut_abi_version"), std::string::npos)
      << r.error().message;
  auto missing = conform::dut::LoadPlugin("/nonexistent/dut.so");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot be loaded"), std::string::npos);
}

TEST(DutAbi, HarnessMemoryAbortsAndRefusesUnalignedAccesses) {
  conform::dut::HarnessMemory m;
  m.Poke(0x1000, 5);
  m.AddAbortRange(0x2000, 0x10);
  uint64_t v = 1;
  EXPECT_TRUE(m.SmmuRead(0x1000, &v));
  EXPECT_EQ(v, 5u);
  EXPECT_FALSE(m.SmmuRead(0x2008, &v));
  EXPECT_FALSE(m.SmmuWrite(0x2000, 1));
  EXPECT_TRUE(m.SmmuRead(0x2010, &v));
  EXPECT_TRUE(m.violation().empty());
  EXPECT_FALSE(m.SmmuRead(0x1004, &v));
  EXPECT_NE(m.violation().find("not 8-byte aligned"), std::string::npos);
}

}  // namespace
#endif
