// IOMMU instances (one per SMMU): each registered with its own capabilities, several per system
// (seed 002: per-instance ops instead of one ops per bus). Rules R-API-*. Tests:
// tests/model/api/domain_test.cc.
#pragma once

#include <cstdint>

namespace smmuref::model::api {

using InstanceId = uint32_t;

struct InstanceCaps {
  uint64_t pgsize_bitmap = 0x40201000;  // 4K | 2M | 1G
  uint32_t ias = 48;                    // input (IOVA) address bits of its page tables
  uint32_t oas = 48;                    // output address bits
  uint32_t pasid_bits = 20;             // IDR1.SSIDSIZE; 0 = no PASID support
  uint32_t min_pasid = 0;               // instance floor; the effective floor also honours the knob
  bool sva = false;                     // can share CPU address spaces
  bool iopf = false;                    // can take I/O page faults
  bool aux = false;                     // can host aux domains
  bool coherent_walk = true;            // table walker snoops CPU caches
};

struct Instance {
  InstanceId id = 0;
  InstanceCaps caps;
  uint32_t blocked_domain = 0;   // static domains of this instance's ops
  uint32_t identity_domain = 0;
};

// Smallest page size of a bitmap (2^ctz), 0 for an empty bitmap.
uint64_t MinPageSize(uint64_t pgsize_bitmap);
// Number of PASIDs a device can use: 0 when either side lacks PASID support, else
// 2^min(device bits, instance bits).
uint64_t MaxPasids(uint32_t device_pasid_bits, uint32_t instance_pasid_bits);

}  // namespace smmuref::model::api
