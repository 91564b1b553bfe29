// Domains: allocation (paging domains bound to an instance at birth; legacy device-less domains
// finalized at first attach, possibly spanning instances), static domains, free.
// Tests: tests/model/api/domain_test.cc.
#include "smmuref/model/api/domain.h"

#include <algorithm>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

bool IsPaging(DomainType t) { return t == DomainType::kUnmanaged || t == DomainType::kDma; }

DomainId System::NewDomain(DomainType type) {
  Domain d;
  d.id = next_id_++;
  d.type = type;
  domains_[d.id] = d;
  return d.id;
}

// R-DOM-011: a paging domain bound to an instance takes the instance's page-size bitmap, IAS and
// OAS, and its aperture is [0, 2^IAS - 1] [arm_smmu_domain_finalise, v6.12-v7.0]. Its page
// table has the levels of R-MAP-016.
void System::BindDomainToInstance(Domain& d, const Instance& inst) {
  d.instances = {inst.id};
  d.pgsize_bitmap = inst.caps.pgsize_bitmap;
  d.ias = inst.caps.ias;
  d.oas = inst.caps.oas;
  d.aperture_start = 0;
  d.aperture_end = (uint64_t{1} << d.ias) - 1;
  d.levels = PageTableLevels(d.pgsize_bitmap, d.ias);
}

// R-DOM-005: under domain_scope=legacy_cross_instance a domain attached to a further instance
// keeps one page table per instance; its minimum page size becomes the largest of the
// instances' minimums, its bitmap the union of their sizes from that minimum up, and its IAS/OAS
// the smallest [seed 000 (Roedel); decision for bitmap and IAS/OAS: every size in the bitmap is
// then expressible on every instance as a whole number of that instance's pages].
Errno System::ExtendDomainTo(Domain& d, const Instance& inst) {
  const uint64_t min_page = std::max(MinPageSize(d.pgsize_bitmap),
                                     MinPageSize(inst.caps.pgsize_bitmap));
  d.pgsize_bitmap = (d.pgsize_bitmap | inst.caps.pgsize_bitmap) & ~(min_page - 1);
  d.ias = std::min(d.ias, inst.caps.ias);
  d.oas = std::min(d.oas, inst.caps.oas);
  d.aperture_end = (uint64_t{1} << d.ias) - 1;
  d.levels = PageTableLevels(d.pgsize_bitmap, d.ias);
  d.tables.clear();  // no leaves (R-DOM-006): only empty tables, rebuilt for the new sizes
  d.instances.insert(inst.id);
  return Errno::kOk;
}

// R-DOM-001: a paging domain allocated for a device is bound to that device's instance at birth
// and accepts map/unmap before any attach [seed 000; iommu_paging_domain_alloc, v6.12-v7.0;
// arm_smmu_domain_alloc_paging, v6.12-v7.0].
// R-DOM-002: without a device, allocation gives -ENODEV under domain_scope=per_device
// [decision: the modern API has no device-less paging allocation; -ENODEV is what it returns for
// a device without an IOMMU]; under legacy_cross_instance it gives an unfinalized domain (R-DOM-003).
Ret<DomainId> System::AllocPagingDomain(std::optional<DeviceId> dev) {
  if (!dev) {
    if (knobs_.domain_scope == DomainScope::kPerDevice) return {Errno::kENODEV};
    DomainId id = NewDomain(DomainType::kUnmanaged);
    domains_[id].device_less = true;
    return {Errno::kOk, id};
  }
  if (Errno e = LiveDevice(*dev); e != Errno::kOk) return {e};
  DomainId id = NewDomain(DomainType::kUnmanaged);
  BindDomainToInstance(domains_[id], instances_[FindDevice(*dev)->desc.instance]);
  return {Errno::kOk, id};
}

// R-DOM-008: identity and blocked domains are static per instance: every request for the same
// instance returns the same domain [arm_smmu_identity_domain, arm_smmu_blocked_domain,
// v6.12-v7.0: the static domains of arm_smmu_ops].
Ret<DomainId> System::AllocStaticDomain(DeviceId dev, DomainType type) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return {e};
  const Instance& inst = instances_[FindDevice(dev)->desc.instance];
  if (type == DomainType::kIdentity) return {Errno::kOk, inst.identity_domain};
  if (type == DomainType::kBlocked) return {Errno::kOk, inst.blocked_domain};
  return {Errno::kEINVAL};
}

bool System::DomainInUse(DomainId id) const {
  const Domain& d = domains_.at(id);
  if (d.aux_users != 0 || d.sva_users != 0) return true;
  for (const auto& [_, g] : groups_) {
    if (g.domain == id || g.default_domain == id) return true;
    for (const auto& [p, e] : g.pasid_array) {
      if (e.domain == id) return true;
    }
  }
  return false;
}

// R-DOM-009: freeing an unknown or already freed domain gives -ENOENT; freeing a domain that a
// group, PASID, aux or SVA user still references gives -EBUSY, nothing changes [decision: the
// kernel's contract is "not attached"; a use-after-free there is a refusal here]; freeing a
// static domain is a no-op success [iommu_domain_free, v6.12-v7.0: static domains have no free
// op].
Errno System::FreeDomain(DomainId id) {
  auto it = domains_.find(id);
  if (it == domains_.end()) return Errno::kENOENT;
  if (it->second.is_static) return Errno::kOk;
  if (DomainInUse(id)) return Errno::kEBUSY;
  domains_.erase(it);
  return Errno::kOk;
}

const Domain* System::FindDomain(DomainId id) const {
  auto it = domains_.find(id);
  return it == domains_.end() ? nullptr : &it->second;
}

Domain* System::FindDomainMut(DomainId id) {
  auto it = domains_.find(id);
  return it == domains_.end() ? nullptr : &it->second;
}

}  // namespace smmuref::model::api
