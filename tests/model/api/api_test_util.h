// Helpers shared by the IOMMU API model tests: a system with one SMMUv3-like instance.
#pragma once

#include <gtest/gtest.h>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api::testing {

inline InstanceId AddInstance(System& s, uint64_t pgsize = 0x40201000, uint32_t pasid_bits = 20,
                              bool sva = true) {
  InstanceCaps c;
  c.pgsize_bitmap = pgsize;
  c.pasid_bits = pasid_bits;
  c.sva = sva;
  c.aux = true;
  auto r = s.RegisterInstance(c);
  EXPECT_TRUE(r.ok());
  return r.value;
}

inline DeviceId AddDevice(System& s, InstanceId inst, std::vector<uint32_t> sids,
                          uint32_t pasid_bits = 20) {
  DeviceDesc d;
  d.instance = inst;
  d.sids = std::move(sids);
  d.pasid_bits = pasid_bits;
  auto r = s.ProbeDevice(d);
  EXPECT_TRUE(r.ok());
  return r.value;
}

// A device in the group of `alias` (pci_device_group: a DMA alias or a function without ACS).
inline DeviceId AddAlias(System& s, InstanceId inst, std::vector<uint32_t> sids, DeviceId alias,
                         bool require_direct = false) {
  DeviceDesc d;
  d.instance = inst;
  d.sids = std::move(sids);
  d.alias = alias;
  d.require_direct = require_direct;
  auto r = s.ProbeDevice(d);
  EXPECT_TRUE(r.ok());
  return r.value;
}

inline DomainId Paging(System& s, DeviceId dev) {
  auto r = s.AllocPagingDomain(dev);
  EXPECT_TRUE(r.ok());
  return r.value;
}

}  // namespace smmuref::model::api::testing
