// Tests for model/api/sva.cc: SVA bind/unbind, PASID sharing and lifetime (R-SVA-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(Sva, TwoDevicesBindingOneAddressSpaceGetTheSamePasid) {
  System s;
  InstanceId i = AddInstance(s), j = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1}), b = AddDevice(s, i, {2}), c = AddDevice(s, j, {1});
  auto ha = s.SvaBind(a, 1, std::nullopt), hb = s.SvaBind(b, 1, std::nullopt);
  auto hc = s.SvaBind(c, 1, std::nullopt);
  // R-SVA-004
  ASSERT_TRUE(ha.ok() && hb.ok() && hc.ok());
  EXPECT_EQ(ha.value.pasid, 1u);
  EXPECT_EQ(hb.value.pasid, 1u);
  EXPECT_EQ(hc.value.pasid, 1u);
  // R-SVA-016: one SVA domain per instance per address space
  EXPECT_EQ(s.DomainForPasid(a, 1).value, s.DomainForPasid(b, 1).value);
  EXPECT_NE(s.DomainForPasid(a, 1).value, s.DomainForPasid(c, 1).value);
  // R-SVA-017
  EXPECT_EQ(s.SvaGetPasid(hb.value.handle).value, 1u);
}

TEST(Sva, RebindIsRefcountedAndUnbindBalances) {
  System s;
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  auto h1 = s.SvaBind(a, 1, std::nullopt), h2 = s.SvaBind(a, 1, std::nullopt);
  // R-SVA-006
  EXPECT_EQ(h1.value.handle, h2.value.handle);
  // R-SVA-008
  EXPECT_EQ(s.SvaUnbind(h1.value.handle), Errno::kOk);
  EXPECT_NE(s.DomainForPasid(a, 1).value, 0u);
  EXPECT_EQ(s.SvaUnbind(h1.value.handle), Errno::kOk);
  EXPECT_EQ(s.DomainForPasid(a, 1).value, 0u);
  // R-SVA-014
  EXPECT_EQ(s.SvaUnbind(h1.value.handle), Errno::kContractViolation);
  EXPECT_EQ(s.SvaUnbind(999), Errno::kENOENT);
  // R-SVA-009 (mm_exit): the PASID stays until exit
  EXPECT_TRUE(s.PasidAllocated(1));
  // R-SVA-010
  EXPECT_EQ(s.MmExit(1), Errno::kOk);
  EXPECT_FALSE(s.PasidAllocated(1));
  // R-SVA-001
  EXPECT_EQ(s.SvaBind(a, 1, std::nullopt).err, Errno::kEINVAL);
}

TEST(Sva, DeviceRangeExcludingThePasidFailsAndOccupiedSlotIsEbusy) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1}), small = AddDevice(s, i, {2}, 1), n = AddDevice(s, i, {3}, 0);
  ASSERT_EQ(s.SvaBind(a, 1, std::nullopt).value.pasid, 1u);
  ASSERT_EQ(s.SvaBind(a, 2, std::nullopt).value.pasid, 2u);
  // R-SVA-005
  EXPECT_EQ(s.SvaBind(small, 2, std::nullopt).err, Errno::kEOVERFLOW);
  // a device without PASIDs: -EOVERFLOW for an address space with a PASID, -ENOSPC for a fresh one
  EXPECT_EQ(s.SvaBind(n, 2, std::nullopt).err, Errno::kEOVERFLOW);
  EXPECT_EQ(s.SvaBind(n, 9, std::nullopt).err, Errno::kENOSPC);
  EXPECT_EQ(s.MmPasid(9).value, 0u);
  // R-SVA-007
  ASSERT_EQ(s.AttachDevicePasid(Paging(s, a), a, 3), Errno::kOk);
  EXPECT_EQ(s.SvaBind(a, 3, std::nullopt).err, Errno::kEBUSY);
}

TEST(Sva, LastUnbindLifetimeFreesThePasid) {
  System s;
  Knobs k;
  k.pasid_lifetime = PasidLifetime::kLastUnbind;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  auto h = s.SvaBind(a, 1, std::nullopt);
  ASSERT_EQ(s.SvaUnbind(h.value.handle), Errno::kOk);
  // R-SVA-009
  EXPECT_FALSE(s.PasidAllocated(1));
}

TEST(Sva, Rfc2018InitClampsAndRebindTakesNoReference) {
  System s;
  Knobs k;
  k.sva_init = SvaInit::kRfc2018;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1}), b = AddDevice(s, i, {2});
  // R-SVA-001
  EXPECT_EQ(s.SvaBind(a, 1, std::nullopt).err, Errno::kEINVAL);
  // R-SVA-011
  EXPECT_EQ(s.SvaDeviceInit(a, 0x2, 0, 0), Errno::kEINVAL);
  EXPECT_EQ(s.SvaDeviceInit(a, 0, 0, 0), Errno::kOk);
  EXPECT_EQ(s.SvaDeviceInit(a, 0, 0, 0), Errno::kEEXIST);
  EXPECT_EQ(s.SvaDeviceInit(b, 0, 10, 20), Errno::kOk);
  auto h1 = s.SvaBind(a, 1, std::nullopt);
  EXPECT_EQ(h1.value.pasid, 1u);
  // R-SVA-013
  EXPECT_EQ(s.SvaBind(a, 1, std::nullopt).value.handle, h1.value.handle);
  EXPECT_EQ(s.SvaBind(b, 1, std::nullopt).err, Errno::kERANGE);
  // R-SVA-014
  EXPECT_EQ(s.SvaUnbind(h1.value.handle), Errno::kOk);
  EXPECT_EQ(s.SvaUnbind(h1.value.handle), Errno::kESRCH);
  // R-SVA-020
  EXPECT_EQ(s.SvaDeviceShutdown(b), Errno::kOk);
  EXPECT_EQ(s.SvaDeviceShutdown(b), Errno::kENODEV);
}

TEST(Sva, FeatureEnableAndDisableRulesOfTheFeatureEra) {
  System s;
  Knobs k;
  k.sva_init = SvaInit::kFeature;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  // R-SVA-001: the PASID is taken before the driver finds SVA off
  EXPECT_EQ(s.SvaBind(a, 1, std::nullopt).err, Errno::kENODEV);
  EXPECT_EQ(s.MmPasid(1).value, 1u);
  // R-SVA-018
  EXPECT_EQ(s.EnableFeature(a, Feature::kSva), Errno::kOk);
  EXPECT_EQ(s.EnableFeature(a, Feature::kSva), Errno::kEBUSY);
  EXPECT_EQ(s.EnableFeature(a, Feature::kIopf), Errno::kEINVAL);
  auto h = s.SvaBind(a, 1, std::nullopt);
  // R-SVA-019
  EXPECT_EQ(s.DisableFeature(a, Feature::kSva), Errno::kEBUSY);
  ASSERT_EQ(s.SvaUnbind(h.value.handle), Errno::kOk);
  EXPECT_EQ(s.DisableFeature(a, Feature::kSva), Errno::kOk);
  EXPECT_EQ(s.DisableFeature(a, Feature::kSva), Errno::kEINVAL);
}

TEST(Sva, ModernHasNoFeatureCallsAndChecksSvaWhenMakingTheDomain) {
  System s;
  InstanceId plain = AddInstance(s, 0x40201000, 20, false);
  DeviceId a = AddDevice(s, AddInstance(s), {1}), p = AddDevice(s, plain, {1});
  // R-SVA-018 R-SVA-019
  EXPECT_EQ(s.EnableFeature(a, Feature::kSva), Errno::kENODEV);
  EXPECT_EQ(s.DisableFeature(a, Feature::kIopf), Errno::kEBUSY);
  EXPECT_TRUE(s.SvaBind(a, 1, std::nullopt).ok());
  // R-SVA-001: -EOPNOTSUPP comes after the PASID, which the address space keeps
  EXPECT_EQ(s.SvaBind(p, 2, std::nullopt).err, Errno::kEOPNOTSUPP);
  EXPECT_EQ(s.MmPasid(2).value, 2u);
}

}  // namespace
}  // namespace smmuref::model::api
