// Tests for model/api/device.cc and group.cc: group formation, ownership, attach (R-GROUP-*,
// R-API-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(Group, EveryDeviceIsInExactlyOneGroup) {
  System s;
  InstanceId i = AddInstance(s);
  std::vector<DeviceId> devs = {AddDevice(s, i, {1}), AddDevice(s, i, {2, 3}),
                                AddDevice(s, i, {3, 4}), AddDevice(s, i, {5})};
  // R-GROUP-001: every probed device has a group
  for (DeviceId d : devs) {
    auto g = s.GroupOf(d);
    ASSERT_TRUE(g.ok());
    EXPECT_NE(g.value, 0u);
  }
  // R-GROUP-002
  EXPECT_EQ(s.GroupOf(devs[1]).value, s.GroupOf(devs[2]).value);
  EXPECT_NE(s.GroupOf(devs[0]).value, s.GroupOf(devs[3]).value);
}

TEST(Group, DeviceBridgingTwoGroupsIsEinval) {
  System s;
  InstanceId i = AddInstance(s);
  AddDevice(s, i, {1});
  AddDevice(s, i, {2});
  DeviceDesc d;
  d.instance = i;
  d.sids = {1, 2};
  // R-GROUP-003
  EXPECT_EQ(s.ProbeDevice(d).err, Errno::kEINVAL);
  // R-API-010
  d.sids = {};
  EXPECT_EQ(s.ProbeDevice(d).err, Errno::kEINVAL);
  d.instance = 999;
  d.sids = {7};
  EXPECT_EQ(s.ProbeDevice(d).err, Errno::kENODEV);
}

TEST(Group, JoiningDeviceTakesTheCurrentDomain) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1});
  DomainId d = Paging(s, a);
  ASSERT_EQ(s.AttachDevice(d, a), Errno::kOk);
  DeviceId b = AddDevice(s, i, {1, 2});
  // R-GROUP-005
  EXPECT_EQ(s.CurrentDomain(b).value, d);
  // R-GROUP-004
  EXPECT_EQ(s.DefaultDomain(b).value, s.DefaultDomain(a).value);
  EXPECT_EQ(s.FindDomain(s.DefaultDomain(a).value)->type, DomainType::kDma);
}

TEST(Attach, ReattachIsEbusyDetachReturnsToDefault) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1});
  DomainId d = Paging(s, a), e = Paging(s, a);
  ASSERT_EQ(s.AttachDevice(d, a), Errno::kOk);
  // R-GROUP-010
  EXPECT_EQ(s.AttachDevice(d, a), Errno::kEBUSY);
  EXPECT_EQ(s.AttachDevice(e, a), Errno::kEBUSY);
  // R-GROUP-014
  EXPECT_EQ(s.DetachDevice(e, a), Errno::kContractViolation);
  EXPECT_EQ(s.CurrentDomain(a).value, d);
  // R-GROUP-016
  EXPECT_EQ(s.ReplaceGroupDomain(e, a), Errno::kOk);
  // R-GROUP-015
  EXPECT_EQ(s.DetachGroup(d, a), Errno::kContractViolation);
  // R-GROUP-013
  EXPECT_EQ(s.CurrentDomain(a).value, s.DefaultDomain(a).value);
}

TEST(Attach, MultiDeviceGroupNeedsAttachGroupAndOtherInstanceIsEinval) {
  System s;
  InstanceId i = AddInstance(s), j = AddInstance(s, 0x20010000);
  DeviceId a = AddDevice(s, i, {1});
  DeviceId b = AddDevice(s, i, {1, 2});
  DeviceId c = AddDevice(s, j, {1});
  DomainId d = Paging(s, a);
  // R-GROUP-009
  EXPECT_EQ(s.AttachDevice(d, a), Errno::kEINVAL);
  // R-GROUP-011
  EXPECT_EQ(s.AttachDevice(d, c), Errno::kEINVAL);
  EXPECT_EQ(s.AttachGroup(d, b), Errno::kOk);
  EXPECT_EQ(s.CurrentDomain(a).value, d);
}

TEST(Attach, AllOrNothingWhenOneDeviceRefusesBlocked) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1});
  DeviceDesc rd;
  rd.instance = i;
  rd.sids = {1, 2};
  rd.require_direct = true;
  DeviceId b = s.ProbeDevice(rd).value;
  const DomainId before = s.CurrentDomain(a).value;
  auto blk = s.AllocStaticDomain(a, DomainType::kBlocked);
  // R-GROUP-012
  EXPECT_EQ(s.AttachGroup(blk.value, a), Errno::kEINVAL);
  EXPECT_EQ(s.CurrentDomain(a).value, before);
  EXPECT_EQ(s.CurrentDomain(b).value, before);
}

TEST(Ownership, ClaimStacksSameOwnerRefusesOthersAndReleaseRestoresDefault) {
  System s;
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  // R-GROUP-006
  EXPECT_EQ(s.ClaimDmaOwner(a, 0), Errno::kEINVAL);
  EXPECT_EQ(s.ClaimDmaOwner(a, 7), Errno::kOk);
  EXPECT_EQ(s.ClaimDmaOwner(a, 7), Errno::kOk);
  EXPECT_EQ(s.ClaimDmaOwner(a, 8), Errno::kEPERM);
  EXPECT_EQ(s.FindDomain(s.CurrentDomain(a).value)->type, DomainType::kBlocked);
  // R-GROUP-007
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kOk);
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kOk);
  EXPECT_EQ(s.CurrentDomain(a).value, s.DefaultDomain(a).value);
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kContractViolation);
  // R-GROUP-008
  EXPECT_EQ(s.UseDefaultDomain(a), Errno::kOk);
  EXPECT_EQ(s.ClaimDmaOwner(a, 7), Errno::kEPERM);
  EXPECT_EQ(s.UnuseDefaultDomain(a), Errno::kOk);
  EXPECT_EQ(s.UnuseDefaultDomain(a), Errno::kContractViolation);
}

TEST(Device, RemovedDeviceIsEnodevForEverythingAndLastRemovalChecksGroup) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1});
  DomainId d = Paging(s, a);
  ASSERT_EQ(s.AttachDevice(d, a), Errno::kOk);
  // R-GROUP-017
  EXPECT_EQ(s.RemoveDevice(a), Errno::kContractViolation);
  // R-API-005
  EXPECT_EQ(s.RemoveDevice(a), Errno::kENODEV);
  EXPECT_EQ(s.AttachDevice(d, a), Errno::kENODEV);
  EXPECT_EQ(s.AllocGlobalPasid(a, std::nullopt).err, Errno::kENODEV);
  // R-API-004
  EXPECT_EQ(s.AttachDevice(d, 12345), Errno::kENOENT);
  // R-API-009
  EXPECT_EQ(s.UnregisterInstance(i), Errno::kOk);
  EXPECT_EQ(s.UnregisterInstance(i), Errno::kENOENT);
}

}  // namespace
}  // namespace smmuref::model::api
