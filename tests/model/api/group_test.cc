// Tests for model/api/device.cc and group.cc: group formation, ownership, attach (R-GROUP-*,
// R-API-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddAlias;
using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(Group, EveryDeviceIsInExactlyOneGroup) {
  System s;
  InstanceId i = AddInstance(s);
  std::vector<DeviceId> devs = {AddDevice(s, i, {1}), AddDevice(s, i, {2, 3})};
  devs.push_back(AddAlias(s, i, {4}, devs[1]));
  devs.push_back(AddDevice(s, i, {5}));
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

TEST(Group, StreamIdOfAnotherDeviceIsEinvalAndProbeChecks) {
  System s;
  InstanceId i = AddInstance(s), j = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1});
  AddDevice(s, i, {2});
  DeviceDesc d;
  d.instance = i;
  d.sids = {3, 2};
  // R-API-013: arm_smmu_insert_master refuses a StreamID already in the instance's tree
  EXPECT_EQ(s.ProbeDevice(d).err, Errno::kEINVAL);
  d.instance = j;
  EXPECT_TRUE(s.ProbeDevice(d).ok());
  d.instance = i;
  d.sids = {7, 7};
  EXPECT_TRUE(s.ProbeDevice(d).ok());
  // R-API-010: an alias of another instance's device
  d.instance = j;
  d.sids = {9};
  d.alias = a;
  EXPECT_EQ(s.ProbeDevice(d).err, Errno::kEINVAL);
  d.alias.reset();
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
  DeviceId b = AddAlias(s, i, {2}, a);
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
  DeviceId b = AddAlias(s, i, {2}, a);
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
  DeviceId b = AddAlias(s, i, {2}, a, true);
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

TEST(Ownership, StackedReleaseOnlyCountsAndTheLastOneIsChecked) {
  System s;
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  DomainId d = Paging(s, a);
  ASSERT_EQ(s.ClaimDmaOwner(a, 7), Errno::kOk);
  ASSERT_EQ(s.ClaimDmaOwner(a, 7), Errno::kOk);
  ASSERT_EQ(s.AttachDevicePasid(d, a, 3), Errno::kOk);
  // R-GROUP-007: with two claims a release only drops the count, PASIDs or not
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kOk);
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kContractViolation);
  ASSERT_EQ(s.DetachDevicePasid(d, a, 3), Errno::kOk);
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kOk);
  EXPECT_EQ(s.CurrentDomain(a).value, s.DefaultDomain(a).value);
  // and kernel-driver users have no owner: a release drops one of them too
  ASSERT_EQ(s.UseDefaultDomain(a), Errno::kOk);
  ASSERT_EQ(s.UseDefaultDomain(a), Errno::kOk);
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kOk);
  EXPECT_EQ(s.ReleaseDmaOwner(a), Errno::kContractViolation);
  EXPECT_EQ(s.UnuseDefaultDomain(a), Errno::kOk);
}

TEST(Attach, FromTheStaticBlockedDomainOfAGroupNeverClaimedIsEbusy) {
  System s;
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  DomainId d = Paging(s, a);
  const DomainId blk = s.AllocStaticDomain(a, DomainType::kBlocked).value;
  ASSERT_EQ(s.AttachDevice(blk, a), Errno::kOk);
  // R-GROUP-010: the group has no blocking domain before its first claim
  EXPECT_EQ(s.AttachDevice(d, a), Errno::kEBUSY);
  ASSERT_EQ(s.ReplaceGroupDomain(s.DefaultDomain(a).value, a), Errno::kOk);
  ASSERT_EQ(s.ClaimDmaOwner(a, 7), Errno::kOk);
  ASSERT_EQ(s.ReleaseDmaOwner(a), Errno::kOk);
  // R-GROUP-006: the claim gave the group its blocking domain for good
  ASSERT_EQ(s.AttachDevice(blk, a), Errno::kOk);
  EXPECT_EQ(s.AttachDevice(d, a), Errno::kOk);
}

TEST(Device, RemovedDeviceIsEnodevForEverythingAndLastRemovalChecksGroup) {
  System s;
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1});
  DomainId d = Paging(s, a);
  ASSERT_EQ(s.AttachDevice(d, a), Errno::kOk);
  // R-GROUP-017: PASIDs left on the group are not a WARN; being off the default domain is
  DeviceId b = AddDevice(s, i, {2});
  ASSERT_EQ(s.AttachDevicePasid(Paging(s, b), b, 3), Errno::kOk);
  EXPECT_EQ(s.RemoveDevice(b), Errno::kOk);
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
