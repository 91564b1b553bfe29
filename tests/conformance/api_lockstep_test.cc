// impl/api in lockstep with model/api on every shipped api vector (corpus/vectors/api/*.vec):
// no disagreement and every expectation holds, with the DUT's PASID and IOVA choices adopted.
// And the seam bites: a DUT that differs in one determined result, or makes an illegal choice,
// is reported as a disagreement naming the operation.
#include <gtest/gtest.h>

#include <filesystem>

#include "smmuref/conform/api_device.h"
#include "smmuref/conform/runner.h"

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

// impl/api with one planted difference: iova_to_phys off by one byte, and PASID allocation
// handing out PASID 0 (below min_pasid: an illegal choice).
class Planted final : public ApiDevice {
 public:
  explicit Planted(std::unique_ptr<ApiDevice> inner) : in_(std::move(inner)) {}
  std::string Name() const override { return "planted"; }
  uint64_t IovaToPhys(Id d, uint64_t iova) override { return in_->IovaToPhys(d, iova) + 1; }
  Ret<uint32_t> AllocGlobalPasid(Id d, std::optional<uint32_t> p) override {
    auto r = in_->AllocGlobalPasid(d, p);
    if (r.ok() && !p) r.value = 0;
    return r;
  }
#define FWD(ret, name, params, args) \
  ret name params override { return in_->name args; }
  FWD(Errno, SetKnobs, (const sa::Knobs& k), (k))
  FWD(sa::Knobs, Knobs, (), ())
  FWD(Ret<Id>, RegisterInstance, (const sa::InstanceCaps& c), (c))
  FWD(Errno, UnregisterInstance, (Id i), (i))
  FWD(Ret<Id>, ProbeDevice, (const sa::DeviceDesc& d), (d))
  FWD(Errno, RemoveDevice, (Id d), (d))
  FWD(Ret<Id>, GroupOf, (Id d), (d))
  FWD(uint64_t, DeviceMaxPasids, (Id d), (d))
  FWD(Errno, ClaimDmaOwner, (Id d, uint64_t o), (d, o))
  FWD(Errno, ReleaseDmaOwner, (Id d), (d))
  FWD(Errno, UseDefaultDomain, (Id d), (d))
  FWD(Errno, UnuseDefaultDomain, (Id d), (d))
  FWD(Errno, AttachDevice, (Id m, Id d), (m, d))
  FWD(Errno, AttachGroup, (Id m, Id d), (m, d))
  FWD(Errno, DetachDevice, (Id m, Id d), (m, d))
  FWD(Errno, DetachGroup, (Id m, Id d), (m, d))
  FWD(Errno, ReplaceGroupDomain, (Id m, Id d), (m, d))
  FWD(Ret<Id>, CurrentDomain, (Id d), (d))
  FWD(Ret<Id>, DefaultDomain, (Id d), (d))
  FWD(Ret<Id>, AllocPagingDomain, (std::optional<Id> d), (d))
  FWD(Ret<Id>, AllocStaticDomain, (Id d, sa::DomainType t), (d, t))
  FWD(Errno, FreeDomain, (Id m), (m))
  FWD(Errno, Map, (Id m, uint64_t i, uint64_t p, uint64_t s, uint32_t r), (m, i, p, s, r))
  FWD(Ret<uint64_t>, Unmap, (Id m, uint64_t i, uint64_t s, Errno* w), (m, i, s, w))
  FWD(std::optional<sa::LeafView>, LeafAt, (Id m, uint64_t i), (m, i))
  FWD(Ret<bool>, CheckAccess, (Id m, uint64_t i, const sa::Access& a), (m, i, a))
  FWD(Ret<bool>, WalkerNeedsClean, (Id m), (m))
  FWD(Errno, FreeGlobalPasid, (uint32_t p), (p))
  FWD(Errno, AttachDevicePasid, (Id m, Id d, uint32_t p), (m, d, p))
  FWD(Errno, ReplaceDevicePasid, (Id m, Id d, uint32_t p), (m, d, p))
  FWD(Errno, DetachDevicePasid, (Id m, Id d, uint32_t p), (m, d, p))
  FWD(Ret<Id>, DomainForPasid, (Id d, uint32_t p), (d, p))
  FWD(bool, PasidAllocated, (uint32_t p), (p))
  FWD(Errno, EnableFeature, (Id d, sa::Feature f), (d, f))
  FWD(Errno, DisableFeature, (Id d, sa::Feature f), (d, f))
  FWD(Errno, SvaDeviceInit, (Id d, uint32_t f, uint32_t l, uint32_t h), (d, f, l, h))
  FWD(Errno, SvaDeviceShutdown, (Id d), (d))
  FWD(Ret<sa::SvaBinding>, SvaBind, (Id d, Id mm, std::optional<uint32_t> p), (d, mm, p))
  FWD(Errno, SvaUnbind, (Id h), (h))
  FWD(Ret<uint32_t>, SvaGetPasid, (Id h), (h))
  FWD(Errno, MmExit, (Id mm), (mm))
  FWD(Ret<uint32_t>, MmPasid, (Id mm), (mm))
  FWD(Ret<uint32_t>, AuxAttach, (Id m, Id d, std::optional<uint32_t> p), (m, d, p))
  FWD(Errno, AuxDetach, (Id m, Id d), (m, d))
  FWD(Ret<uint32_t>, AuxGetPasid, (Id m, Id d), (m, d))
  FWD(Ret<bool>, AuxPathEnabled, (Id d), (d))
  FWD(Errno, DmaSetMask, (Id d, uint64_t m, uint64_t c), (d, m, c))
  FWD(Ret<sa::DmaMapping>, DmaMap,
      (Id d, uint64_t ph, uint64_t s, sa::DmaDir r, std::optional<uint64_t> p), (d, ph, s, r, p))
  FWD(Errno, DmaUnmap, (Id d, uint64_t a, uint64_t s), (d, a, s))
  FWD(Ret<sa::DmaMapping>, DmaAllocCoherent,
      (Id d, uint64_t s, uint64_t ph, std::optional<uint64_t> p), (d, s, ph, p))
  FWD(Errno, DmaFreeCoherent, (Id d, uint64_t s, uint64_t a), (d, s, a))
  FWD(Ret<sa::CacheOp>, DmaSync, (Id d, uint64_t a, uint64_t s, sa::DmaDir r, sa::SyncFor f),
      (d, a, s, r, f))
#undef FWD

 private:
  std::unique_ptr<ApiDevice> in_;
};

TEST(ApiLockstep, ADifferentResultAndAnIllegalChoiceAreDisagreements) {
  auto impl = MakeApiDut("impl");
  if (!impl) GTEST_SKIP() << "impl/api is not built";
  auto dev = MakeApiLockstep(MakeModelApiDevice(), std::make_unique<Planted>(std::move(impl)));
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
