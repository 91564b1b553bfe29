// Tests for model/api/domain.cc, instance.cc and knobs.cc (R-DOM-*, R-API-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(Instance, InvalidCapabilitiesAreEinval) {
  System s;
  InstanceCaps c;
  c.pgsize_bitmap = 0;
  // R-API-001
  EXPECT_EQ(s.RegisterInstance(c).err, Errno::kEINVAL);
  c.pgsize_bitmap = 0x1000;
  c.ias = 53;
  EXPECT_EQ(s.RegisterInstance(c).err, Errno::kEINVAL);
  c.ias = 48;
  EXPECT_TRUE(s.RegisterInstance(c).ok());
}

TEST(Instance, EachInstanceKeepsItsCapabilitiesAndStaticDomains) {
  System s;
  InstanceId a = AddInstance(s, 0x40201000, 20), b = AddInstance(s, 0x20010000, 4);
  DeviceId da = AddDevice(s, a, {1}), db = AddDevice(s, b, {1});
  // R-API-002
  EXPECT_EQ(s.FindDomain(Paging(s, da))->pgsize_bitmap, 0x40201000u);
  EXPECT_EQ(s.FindDomain(Paging(s, db))->pgsize_bitmap, 0x20010000u);
  // R-DOM-008: the static domains are the driver's, the same for every instance
  EXPECT_EQ(s.AllocStaticDomain(da, DomainType::kIdentity).value,
            s.AllocStaticDomain(db, DomainType::kIdentity).value);
  EXPECT_EQ(s.AllocStaticDomain(da, DomainType::kBlocked).value,
            s.AllocStaticDomain(db, DomainType::kBlocked).value);
  EXPECT_NE(s.AllocStaticDomain(da, DomainType::kBlocked).value,
            s.AllocStaticDomain(da, DomainType::kIdentity).value);
  EXPECT_EQ(s.AttachDevice(s.AllocStaticDomain(db, DomainType::kIdentity).value, da), Errno::kOk);
  // R-API-012
  EXPECT_EQ(s.DeviceMaxPasids(db), 16u);
  EXPECT_EQ(MaxPasids(0, 20), 0u);
  EXPECT_EQ(MaxPasids(20, 0), 1u);  // an SMMU without SubstreamIDs still has PASID 0
  EXPECT_EQ(SsidBits(20, 0), 0u);
}

TEST(Knobs, FixedOnceAnInstanceExistsAndParsedByName) {
  System s;
  Knobs k;
  // R-API-003
  EXPECT_EQ(SetKnob(k, "min_pasid", "3"), Errno::kOk);
  EXPECT_EQ(SetKnob(k, "partial_unmap", "bogus"), Errno::kEINVAL);
  EXPECT_EQ(SetKnob(k, "nope", "1"), Errno::kEINVAL);
  EXPECT_EQ(s.SetKnobs(k), Errno::kOk);
  AddInstance(s);
  EXPECT_EQ(s.SetKnobs(Knobs{}), Errno::kEBUSY);
  // R-API-011
  EXPECT_EQ(s.MinPasid(1), 3u);
}

TEST(Domain, DeviceLessAllocationOnlyUnderLegacyKnob) {
  System s;
  // R-DOM-002
  EXPECT_EQ(s.AllocPagingDomain(std::nullopt).err, Errno::kENODEV);
  System l;
  Knobs k;
  k.domain_scope = DomainScope::kLegacyCrossInstance;
  ASSERT_EQ(l.SetKnobs(k), Errno::kOk);
  InstanceId a = AddInstance(l), b = AddInstance(l, 0x20010000);
  DeviceId da = AddDevice(l, a, {1}), db = AddDevice(l, b, {1});
  DomainId d = l.AllocPagingDomain(std::nullopt).value;
  // R-DOM-003
  EXPECT_EQ(l.Map(d, 0x10000, 0, 0x10000, kProtRead), Errno::kENODEV);
  EXPECT_EQ(l.Unmap(d, 0x10000, 0x10000).value, 0u);
  // R-DOM-004
  EXPECT_EQ(l.AttachDevice(d, da), Errno::kOk);
  EXPECT_EQ(l.FindDomain(d)->pgsize_bitmap, 0x40201000u);
  // R-DOM-005: merged minimum is 64K
  EXPECT_EQ(l.AttachDevice(d, db), Errno::kOk);
  EXPECT_EQ(MinPageSize(l.FindDomain(d)->pgsize_bitmap), 0x10000u);
  EXPECT_EQ(l.Map(d, 0x1000, 0x1000, 0x1000, kProtRead), Errno::kEINVAL);
  EXPECT_EQ(l.Map(d, 0x10000, 0x10000, 0x10000, kProtRead), Errno::kOk);
}

TEST(Domain, ExtendingADomainWithMappingsIsEinval) {
  System l;
  Knobs k;
  k.domain_scope = DomainScope::kLegacyCrossInstance;
  ASSERT_EQ(l.SetKnobs(k), Errno::kOk);
  DeviceId da = AddDevice(l, AddInstance(l), {1});
  DeviceId db = AddDevice(l, AddInstance(l, 0x20010000), {1});
  DomainId d = l.AllocPagingDomain(std::nullopt).value;
  ASSERT_EQ(l.AttachDevice(d, da), Errno::kOk);
  ASSERT_EQ(l.Map(d, 0x10000, 0x10000, 0x10000, kProtRead), Errno::kOk);
  // R-DOM-006
  EXPECT_EQ(l.AttachDevice(d, db), Errno::kEINVAL);
  EXPECT_EQ(l.FindDomain(d)->instances.size(), 1u);
}

TEST(Domain, BoundAtBirthWithApertureFromIas) {
  System s;
  InstanceCaps c;
  c.ias = 40;
  DeviceId dev = AddDevice(s, s.RegisterInstance(c).value, {1});
  const Domain* d = s.FindDomain(Paging(s, dev));
  // R-DOM-001 R-DOM-011
  EXPECT_EQ(d->instances.size(), 1u);
  EXPECT_EQ(d->aperture_end, (uint64_t{1} << 40) - 1);
}

TEST(Domain, FreeRules) {
  System s;
  DeviceId dev = AddDevice(s, AddInstance(s), {1});
  DomainId d = Paging(s, dev);
  ASSERT_EQ(s.AttachDevice(d, dev), Errno::kOk);
  // R-DOM-009
  EXPECT_EQ(s.FreeDomain(d), Errno::kEBUSY);
  EXPECT_EQ(s.FreeDomain(s.DefaultDomain(dev).value), Errno::kEBUSY);
  EXPECT_EQ(s.FreeDomain(s.AllocStaticDomain(dev, DomainType::kBlocked).value), Errno::kOk);
  ASSERT_EQ(s.DetachDevice(d, dev), Errno::kOk);
  EXPECT_EQ(s.FreeDomain(d), Errno::kOk);
  EXPECT_EQ(s.FreeDomain(d), Errno::kENOENT);
  // R-API-004
  EXPECT_EQ(s.Map(d, 0, 0, 0x1000, kProtRead), Errno::kENOENT);
}

TEST(Results, NamesRoundTripAndWarnAndBadChoiceAreDistinct) {
  // R-API-006 R-API-007
  for (Errno e : {Errno::kOk, Errno::kEINVAL, Errno::kEBUSY, Errno::kContractViolation,
                  Errno::kBadChoice, Errno::kEOPNOTSUPP}) {
    EXPECT_EQ(ErrnoFromName(ErrnoName(e)), e);
  }
  EXPECT_EQ(ErrnoName(Errno::kContractViolation), "WARN");
  EXPECT_EQ(ErrnoName(Errno::kBadChoice), "BADCHOICE");
}

// R-API-008: the specification is sequential and deterministic: the same operations give the
// same results and state, which is what a linearizability check compares against.
TEST(Results, SameOperationSequenceGivesSameResults) {
  auto run = [] {
    System s;
    DeviceId dev = AddDevice(s, AddInstance(s), {1});
    DomainId d = Paging(s, dev);
    std::vector<int> out;
    out.push_back(static_cast<int>(s.Map(d, 0x1000, 0x2000, 0x3000, kProtRead)));
    out.push_back(static_cast<int>(s.AllocGlobalPasid(dev, std::nullopt).value));
    out.push_back(static_cast<int>(s.SvaBind(dev, 5, std::nullopt).value.pasid));
    out.push_back(static_cast<int>(s.Unmap(d, 0x1000, 0x2000).value));
    return out;
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace smmuref::model::api
