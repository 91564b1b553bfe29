// The DUT ABI (spec/include/smmuref/dut.h): the optimized engine exported through it
// ("impl-abi", conform/src/dut/impl_plugin.cc, with the harness owning memory) and the reference
// model exported through it ("model-abi", conform/src/dut/model_plugin.cc, its memory's history
// from v2's notes) give exactly the results they give directly ("impl", "model") on every
// shipped vector and in the campaign; the loader refuses a shared object that is not a DUT or
// lies about its ABI version, and still loads one built for v1.
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

// Every shipped vector file gives `through` the same verdicts, rule ids and outcome classes as
// `direct`.
void ExpectSameOnShippedVectors(const std::string& direct_dut, const std::string& through) {
  const auto files = ShippedVectors();
  ASSERT_GT(files.size(), 50u);
  int translations = 0;
  for (const auto& f : files) {
    conform::RunOptions direct, abi;
    direct.dut = direct_dut;
    abi.dut = through;
    const conform::FileReport a = conform::RunVectorPath(f, direct);
    const conform::FileReport b = conform::RunVectorPath(f, abi);
    EXPECT_EQ(a.error, b.error) << f << ": " << a.error_message << " / " << b.error_message;
    EXPECT_EQ(a.error_kind, b.error_kind) << f << ": " << a.error_message << " / " << b.error_message;
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

// A campaign of a fixed count and seed gives `through` the same results as `direct`.
void ExpectSameCampaign(const std::string& direct_dut, const std::string& through) {
  conform::CampaignOptions o;
  o.dut = through;
  o.max_programs = 60;
  o.seed = 7;
  o.progress = false;
  o.results_dir = ::testing::TempDir() + "abi-results";
  const conform::CampaignReport abi = conform::RunCampaign(o);
  o.dut = direct_dut;
  const conform::CampaignReport direct = conform::RunCampaign(o);
  EXPECT_EQ(abi.programs, 60u);
  EXPECT_EQ(abi.mismatches, 0u) << (abi.mismatch_summaries.empty() ? "" : abi.mismatch_summaries[0]);
  EXPECT_EQ(abi.device_failures, 0u);
  EXPECT_EQ(abi.not_implemented, direct.not_implemented) << abi.first_not_implemented;
  EXPECT_EQ(abi.bounded, direct.bounded);
  EXPECT_EQ(abi.translations, direct.translations);
  EXPECT_GT(abi.translations, 1000u);
  EXPECT_EQ(abi.rules, direct.rules);
  EXPECT_EQ(abi.rule_hits, direct.rule_hits);
  EXPECT_EQ(abi.observations, direct.observations);
  EXPECT_GT(abi.observations.size(), 10u);
}

TEST(DutAbi, ImplThroughTheAbiPassesExactlyAsDirectly) {
  ExpectSameOnShippedVectors("impl", "impl-abi");
}

TEST(DutAbi, ImplThroughTheAbiAgreesWithTheModelInTheCampaign) {
  ExpectSameCampaign("impl", "impl-abi");
}

TEST(DutAbi, ModelThroughTheAbiPassesExactlyAsDirectly) {
  ExpectSameOnShippedVectors("model", "model-abi");
}

TEST(DutAbi, ModelThroughTheAbiAgreesWithTheModelInTheCampaign) {
  ExpectSameCampaign("model", "model-abi");
}

#if defined(SMMUREF_TINY_SMMU_V1)
// A DUT built for ABI v1 (its table ends at last_error) loads and runs as the same DUT built for
// v2, which leaves `note` NULL.
TEST(DutAbi, AVersion1DutStillLoadsAndRunsAsItsVersion2Build) {
  auto v1 = conform::dut::LoadPlugin(SMMUREF_TINY_SMMU_V1);
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ((*v1)->abi_version, 1u);
  auto v2 = conform::dut::LoadPlugin(SMMUREF_TINY_SMMU);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ((*v2)->abi_version, 2u);
  EXPECT_EQ((*v2)->note, nullptr);
  // SMMUEN=0: bypass, then GBPA.ABORT.
  auto file = conform::ParseVectorText(
      "smmuref-vectors 1\nprofile s1only-nossid st_level=0 cd2l=0 msi=0 gbpa_abort_reset=0\ntxn 0x1 - 0x1234 r\n"
      "expect ok 0x1234\nreg.write32 GBPA 0x80100000\ntxn 0x1 - 0x1234 r\nexpect abort\n",
      "t.vec");
  ASSERT_TRUE(file.ok());
  conform::RunOptions a, b;
  a.dut = SMMUREF_TINY_SMMU_V1;
  b.dut = SMMUREF_TINY_SMMU;
  const conform::FileReport ra = conform::RunVectorFile(*file, a);
  const conform::FileReport rb = conform::RunVectorFile(*file, b);
  EXPECT_FALSE(ra.error) << ra.error_message;
  EXPECT_EQ(ra.mismatches, 0);
  EXPECT_EQ(ra.passed, 2);
  EXPECT_EQ(ra.passed, rb.passed);
  EXPECT_EQ(ra.failed, rb.failed);
}
#endif

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
