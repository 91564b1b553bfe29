// impl/api in lockstep with model/api on every shipped api vector (corpus/vectors/api/*.vec):
// no disagreement and every expectation holds, with the DUT's PASID and IOVA choices adopted.
// And the seam bites: a DUT that differs in one determined result, or makes an illegal choice,
// is reported as a disagreement naming the operation.
#include <gtest/gtest.h>

#include <filesystem>

#include "smmuref/conform/api_device.h"
#include "smmuref/conform/runner.h"
#include "planted_api_device.h"

namespace smmuref::conform {
namespace {

namespace sa = spec::api;

RunOptions ImplOptions(const std::string& dut) {
  RunOptions o;
  o.dut = dut;
  return o;
}

std::vector<std::string> ApiVectors() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SMMUREF_SOURCE_DIR) +
                                                           "/corpus/vectors/api")) {
    if (e.path().extension() == ".vec") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ApiLockstep, EveryShippedApiVectorAgreesOnImpl) {
  if (!MakeApiDut("impl")) GTEST_SKIP() << "impl/api is not built";
  const auto files = ApiVectors();
  ASSERT_GE(files.size(), 17u);
  for (const auto& f : files) {
    const FileReport r = RunVectorPath(f, ImplOptions("impl"));
    EXPECT_FALSE(r.error) << f << ": " << r.error_message;
    EXPECT_EQ(r.mismatches, 0) << f;
    EXPECT_EQ(r.failed, 0) << f;
    EXPECT_GT(r.passed, 0) << f;
    EXPECT_EQ(r.api_device, "impl") << f;
    for (const auto& x : r.failures) ADD_FAILURE() << x.where << ": " << x.message;
  }
}

TEST(ApiLockstep, DutsWithoutAnApiRunTheModelAndSaySo) {
  const FileReport r = RunVectorPath(ApiVectors().front(), ImplOptions("impl-abi"));
  EXPECT_EQ(r.api_device, "model");
  EXPECT_EQ(ApiDeviceName("model"), "model");
}

TEST(ApiLockstep, ADifferentResultAndAnIllegalChoiceAreDisagreements) {
  auto impl = MakeApiDut("impl");
  if (!impl) GTEST_SKIP() << "impl/api is not built";
  auto dev = MakeApiLockstep(MakeModelApiDevice(), std::make_unique<PlantedApiDevice>(std::move(impl)));
  const auto inst = dev->RegisterInstance(sa::InstanceCaps{});
  sa::DeviceDesc d;
  d.instance = inst.value;
  d.sids = {1};
  d.pasid_bits = 20;
  const auto id = dev->ProbeDevice(d);
  const auto dom = dev->AllocPagingDomain(id.value);
  EXPECT_EQ(dev->Map(dom.value, 0x1000, 0x5000, 0x1000, sa::kProtRead), sa::Errno::kOk);
  EXPECT_TRUE(dev->TakeMismatches().empty());
  EXPECT_EQ(dev->IovaToPhys(dom.value, 0x1000), 0x5001u);  // the DUT's answer is returned
  auto m = dev->TakeMismatches();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("iova_to_phys: planted gave 0x5001, the model 0x5000"), std::string::npos)
      << m[0];
  dev->AllocGlobalPasid(id.value, std::nullopt);
  m = dev->TakeMismatches();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("pasid.alloc: planted chose PASID 0, which the model does not allow"),
            std::string::npos)
      << m[0];
}

}  // namespace
}  // namespace smmuref::conform
