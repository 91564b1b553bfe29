// Tests for model/api/pasid.cc: the global PASID space and core PASID attach (R-PASID-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(Pasid, ZeroIsNeverHandedOutUnderMinPasidOne) {
  System s;
  DeviceId d = AddDevice(s, AddInstance(s, 0x40201000, 4), {1}, 4);
  // R-PASID-002 R-PASID-004
  for (uint32_t want = 1; want < 16; ++want) {
    auto r = s.AllocGlobalPasid(d, std::nullopt);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value, want);
  }
  EXPECT_EQ(s.AllocGlobalPasid(d, std::nullopt).err, Errno::kENOSPC);
  EXPECT_FALSE(s.PasidAllocated(0));
}

TEST(Pasid, OneSpaceForAllDevicesAndProposalsChecked) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1}), b = AddDevice(s, i, {2}), n = AddDevice(s, i, {3}, 0);
  // R-PASID-001
  EXPECT_EQ(s.AllocGlobalPasid(a, std::nullopt).value, 1u);
  EXPECT_EQ(s.AllocGlobalPasid(b, std::nullopt).value, 2u);
  EXPECT_EQ(s.AllocGlobalPasid(n, std::nullopt).err, Errno::kEOPNOTSUPP);
  // R-PASID-012
  EXPECT_EQ(s.AllocGlobalPasid(a, 2u).err, Errno::kBadChoice);
  EXPECT_EQ(s.AllocGlobalPasid(a, 0u).err, Errno::kBadChoice);
  EXPECT_EQ(s.AllocGlobalPasid(a, 9u).value, 9u);
  // R-PASID-005
  EXPECT_EQ(s.FreeGlobalPasid(9), Errno::kOk);
  EXPECT_EQ(s.FreeGlobalPasid(9), Errno::kContractViolation);
}

TEST(PasidAttach, RangeOccupancyReplaceAndDetach) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1}), n = AddDevice(s, i, {2}, 0);
  DomainId d = Paging(s, a), e = Paging(s, a);
  // R-PASID-006
  EXPECT_EQ(s.AttachDevicePasid(d, a, 0), Errno::kEINVAL);
  EXPECT_EQ(s.AttachDevicePasid(d, a, 1u << 20), Errno::kEINVAL);
  // R-PASID-008: no PASID-capable device: the slot is taken and nothing is programmed
  const DomainId dn = Paging(s, n);
  EXPECT_EQ(s.AttachDevicePasid(dn, n, 5), Errno::kOk);
  EXPECT_EQ(s.DomainForPasid(n, 5).value, dn);
  // R-PASID-009: replace looks at the slot before anything else
  EXPECT_EQ(s.ReplaceDevicePasid(dn, n, 6), Errno::kEINVAL);
  // R-PASID-011
  EXPECT_EQ(s.AttachDevicePasid(s.AllocStaticDomain(a, DomainType::kIdentity).value, a, 8),
            Errno::kEOPNOTSUPP);
  EXPECT_EQ(s.AttachDevicePasid(s.AllocStaticDomain(a, DomainType::kBlocked).value, a, 8),
            Errno::kOk);
  EXPECT_EQ(s.AttachDevicePasid(d, a, 5), Errno::kOk);
  // R-PASID-007
  EXPECT_EQ(s.AttachDevicePasid(d, a, 5), Errno::kEBUSY);
  EXPECT_EQ(s.AttachDevicePasid(e, a, 5), Errno::kEBUSY);
  // R-PASID-009
  EXPECT_EQ(s.ReplaceDevicePasid(e, a, 6), Errno::kEINVAL);
  EXPECT_EQ(s.ReplaceDevicePasid(e, a, 5), Errno::kOk);
  EXPECT_EQ(s.DomainForPasid(a, 5).value, e);
  // R-PASID-010
  EXPECT_EQ(s.DetachDevicePasid(d, a, 5), Errno::kContractViolation);
  EXPECT_EQ(s.DomainForPasid(a, 5).value, 0u);
  EXPECT_EQ(s.DetachDevicePasid(e, a, 5), Errno::kContractViolation);
}

TEST(PasidAttach, MinPasidKnobRaisesTheFloor) {
  System s;
  Knobs k;
  k.min_pasid = 4;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  // R-API-011 R-PASID-006
  EXPECT_EQ(s.AllocGlobalPasid(a, std::nullopt).value, 4u);
  EXPECT_EQ(s.AttachDevicePasid(Paging(s, a), a, 3), Errno::kEINVAL);
}

TEST(PasidAttach, NoSubstreamIdsLeavesOnlyPasidZero) {
  System s;
  InstanceId i = AddInstance(s, 0x40201000, 0);
  DeviceId a = AddDevice(s, i, {1});
  // R-API-012: max_pasids is 1, so the device counts as PASID-capable but no PASID fits
  EXPECT_EQ(s.DeviceMaxPasids(a), 1u);
  EXPECT_EQ(s.AttachDevicePasid(Paging(s, a), a, 1), Errno::kEINVAL);
  // R-PASID-004
  EXPECT_EQ(s.AllocGlobalPasid(a, std::nullopt).err, Errno::kENOSPC);
  // R-SVA-005: no PASID can be allocated for a fresh address space
  EXPECT_EQ(s.SvaBind(a, 1, std::nullopt).err, Errno::kENOSPC);
}

}  // namespace
}  // namespace smmuref::model::api
