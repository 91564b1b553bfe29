// Tests for model/api/aux.cc: aux domains and the first/last transitions (R-AUX-*).
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace smmuref::model::api {
namespace {

using testing::AddDevice;
using testing::AddInstance;
using testing::Paging;

TEST(Aux, OffByDefault) {
  System s;
  DeviceId a = AddDevice(s, AddInstance(s), {1});
  // R-AUX-001
  EXPECT_EQ(s.EnableFeature(a, Feature::kAux), Errno::kENODEV);
  // R-AUX-002
  EXPECT_EQ(s.AuxAttach(Paging(s, a), a, std::nullopt).err, Errno::kENODEV);
}

TEST(Aux, FirstAttachEnablesPathLastDetachDisablesIt) {
  System s;
  Knobs k;
  k.aux_domains = true;
  ASSERT_EQ(s.SetKnobs(k), Errno::kOk);
  InstanceId i = AddInstance(s);
  DeviceId a = AddDevice(s, i, {1}), b = AddDevice(s, i, {2});
  DomainId prim = Paging(s, a), x = Paging(s, a), y = Paging(s, a);
  // R-AUX-002
  EXPECT_EQ(s.AuxAttach(x, a, std::nullopt).err, Errno::kENODEV);
  ASSERT_EQ(s.EnableFeature(a, Feature::kAux), Errno::kOk);
  ASSERT_EQ(s.EnableFeature(b, Feature::kAux), Errno::kOk);
  ASSERT_EQ(s.AttachDevice(prim, a), Errno::kOk);
  // R-AUX-004
  auto px = s.AuxAttach(x, a, std::nullopt);
  ASSERT_TRUE(px.ok());
  EXPECT_TRUE(s.AuxPathEnabled(a).value);
  auto py = s.AuxAttach(y, a, std::nullopt);
  ASSERT_TRUE(py.ok());
  EXPECT_NE(px.value, py.value);
  // R-AUX-003
  EXPECT_EQ(s.AuxAttach(x, a, std::nullopt).err, Errno::kEBUSY);
  EXPECT_EQ(s.AuxAttach(prim, a, std::nullopt).err, Errno::kEBUSY);
  // R-AUX-006
  EXPECT_EQ(s.CurrentDomain(a).value, prim);
  ASSERT_EQ(s.DetachDevice(prim, a), Errno::kOk);
  EXPECT_EQ(s.AttachDevice(prim, a), Errno::kEBUSY);
  // R-AUX-007
  EXPECT_EQ(s.AuxGetPasid(x, a).value, px.value);
  EXPECT_EQ(s.AuxGetPasid(x, b).err, Errno::kEINVAL);
  // R-AUX-010
  EXPECT_EQ(s.AuxAttach(x, b, std::nullopt).value, px.value);
  // R-AUX-009
  EXPECT_EQ(s.DisableFeature(a, Feature::kAux), Errno::kEBUSY);
  // R-AUX-005
  EXPECT_EQ(s.AuxDetach(y, a), Errno::kOk);
  EXPECT_TRUE(s.AuxPathEnabled(a).value);
  EXPECT_EQ(s.AuxDetach(x, a), Errno::kOk);
  EXPECT_FALSE(s.AuxPathEnabled(a).value);
  // R-AUX-008
  EXPECT_EQ(s.AuxDetach(x, a), Errno::kContractViolation);
  EXPECT_TRUE(s.PasidAllocated(px.value));
  EXPECT_EQ(s.AuxDetach(x, b), Errno::kOk);
  EXPECT_FALSE(s.PasidAllocated(px.value));
  EXPECT_EQ(s.AttachDevice(prim, a), Errno::kOk);
}

}  // namespace
}  // namespace smmuref::model::api
