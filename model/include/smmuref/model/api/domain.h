// Domains: blocked, identity, paging (UNMANAGED or DMA) and SVA; their instance binding,
// page-size bitmap, aperture and mapping set. Rules R-DOM-*. Tests: tests/model/api/domain_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "smmuref/model/api/group.h"

namespace smmuref::model::api {

using spec::api::DomainType;
using spec::api::DomainTypeName;
using spec::api::MmId;

// One leaf of the mapping set: [iova, iova + size) -> [pa, pa + size).
struct Leaf {
  uint64_t pa = 0;
  uint64_t size = 0;
  uint32_t prot = 0;
};

struct Domain {
  DomainId id = 0;
  DomainType type = DomainType::kUnmanaged;
  bool is_static = false;           // an instance's blocked/identity domain: never freed
  std::set<InstanceId> instances;   // empty = not finalized (legacy device-less allocation)
  bool device_less = false;         // allocated without a device (legacy): may span instances
  uint64_t pgsize_bitmap = 0;
  uint32_t ias = 0, oas = 0;
  uint64_t aperture_start = 0, aperture_end = 0;
  std::map<uint64_t, Leaf> leaves;  // keyed by IOVA, disjoint; one entry per page-table leaf
  std::vector<uint64_t> levels;     // page-table level sizes, smallest first (R-MAP-016)
  // Level size -> bases of the entries at that level that point to a (possibly empty) table.
  std::map<uint64_t, std::set<uint64_t>> tables;
  MmId mm = 0;                      // SVA domains
  uint32_t sva_users = 0;           // SVA: PASID slots using it
  uint32_t aux_pasid = 0;           // aux: the PASID the domain carries (0 = none)
  uint32_t aux_users = 0;
  GroupId default_of = 0;           // the group whose default domain this is
};

bool IsPaging(DomainType t);

}  // namespace smmuref::model::api
