// PASIDs: the global allocator with per-device ranges, and core PASID attach / replace / detach
// of any domain on a group's PASID slots. Tests: tests/model/api/pasid_test.cc.
#include "smmuref/model/api/pasid.h"

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

std::optional<uint32_t> PasidSpace::LowestFree(uint32_t lo, uint32_t hi) const {
  uint32_t p = lo;
  for (auto it = used_.lower_bound(lo); it != used_.end() && it->first <= hi; ++it) {
    if (it->first != p) break;
    if (p == hi) return std::nullopt;
    ++p;
  }
  if (p > hi) return std::nullopt;
  return p;
}

std::optional<PasidOwner> PasidSpace::OwnerOf(uint32_t pasid) const {
  auto it = used_.find(pasid);
  if (it == used_.end()) return std::nullopt;
  return it->second;
}

// R-PASID-002: a device's PASIDs are [min_pasid, max_pasids - 1], min_pasid as in R-API-011
// [iommu_alloc_global_pasid, v6.12-v7.0]; false for a device without PASIDs (max_pasids 0). The
// range may be empty: behind an SMMU without SubstreamIDs max_pasids is 1 (R-API-012).
bool System::PasidRange(const Device& dev, uint32_t* lo, uint32_t* hi) const {
  const uint64_t max = DeviceMaxPasids(dev.id);
  if (max == 0) return false;
  *lo = MinPasid(dev.desc.instance);
  *hi = static_cast<uint32_t>(max - 1);
  return true;
}

// R-PASID-001: PASIDs come from one system-wide space: an allocated PASID is unique across all
// devices and instances until freed [iommu_alloc_global_pasid, v6.12-v7.0: one IDA]. R-PASID-004:
// allocation for a device without PASIDs gives -EOPNOTSUPP, an empty or exhausted range -ENOSPC
// [decision: iommu_alloc_global_pasid, v6.12-v7.0, returns IOMMU_PASID_INVALID for both; the
// model names the causes]. The default choice is the lowest free PASID; R-PASID-012: a proposed
// PASID is adopted only if free and in the device's range, else BADCHOICE.
Ret<uint32_t> System::AllocGlobalPasid(DeviceId id, std::optional<uint32_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  uint32_t lo = 0, hi = 0;
  if (!PasidRange(*FindDevice(id), &lo, &hi)) return {Errno::kEOPNOTSUPP};
  uint32_t pasid = 0;
  if (proposed) {
    if (*proposed < lo || *proposed > hi || pasids_.IsAllocated(*proposed)) {
      return {Errno::kBadChoice};
    }
    pasid = *proposed;
  } else {
    auto free = lo > hi ? std::nullopt : pasids_.LowestFree(lo, hi);
    if (!free) return {Errno::kENOSPC};
    pasid = *free;
  }
  pasids_.Take(pasid, PasidOwner{PasidOwnerKind::kDriver, id});
  return {Errno::kOk, pasid};
}

// R-PASID-005: freeing a PASID that is not allocated, or that belongs to an address space or an
// aux domain, is a contract violation and changes nothing [iommu_free_global_pasid, v6.12-v7.0:
// WARN for IOMMU_PASID_INVALID; decision for unallocated PASIDs and foreign owners].
Errno System::FreeGlobalPasid(uint32_t pasid) {
  auto owner = pasids_.OwnerOf(pasid);
  if (!owner || owner->kind != PasidOwnerKind::kDriver) return Errno::kContractViolation;
  pasids_.Release(pasid);
  return Errno::kOk;
}

// R-PASID-006: a PASID attach needs pasid != 0 and, for every device of the group that has
// PASIDs, min_pasid <= pasid < max_pasids: -EINVAL otherwise [iommu_attach_device_pasid,
// v6.12-v7.0; decision for the min_pasid floor: lower PASIDs name CD entries the instance keeps].
// R-PASID-008: a device without PASIDs (max_pasids 0) does not bound the PASID, so a group with
// none accepts the attach and programs nothing [iommu_attach_device_pasid, v7.0 and 6.12.y
// stable, b3f6fcd8404f; before it such a device made every PASID attach -EINVAL].
Errno System::CheckPasidForGroup(const Group& g, uint32_t pasid) const {
  if (pasid == 0) return Errno::kEINVAL;
  for (DeviceId id : g.devices) {
    const uint64_t max = DeviceMaxPasids(id);
    if (max == 0) continue;
    if (pasid >= max || pasid < MinPasid(g.instance)) return Errno::kEINVAL;
  }
  return Errno::kOk;
}

// R-PASID-011: only domains whose ops can program a PASID go on one: arm-smmu-v3's identity
// domain cannot (-EOPNOTSUPP); paging, SVA and (since after v6.12) the blocked domain can
// [iommu_attach_device_pasid, v6.12-v7.0: no set_dev_pasid op; arm_smmu_identity_ops, v6.12-v7.0;
// arm_smmu_blocked_ops, v7.0 (v6.12: no set_dev_pasid either)]. A paging domain of another
// instance is refused by the driver (-EINVAL), after the core's checks
// [arm_smmu_s1_set_dev_pasid, v6.12-v7.0].
Errno System::CheckPasidDomain(const Domain& d, const Group& g) const {
  if (d.type == DomainType::kIdentity) return Errno::kEOPNOTSUPP;
  if (!d.is_static && !d.instances.empty() && d.instances.count(g.instance) == 0) {
    return Errno::kEINVAL;
  }
  return Errno::kOk;
}

// Fills the slot. An unfinalized (legacy) domain is finalized by the driver's set_dev_pasid,
// which runs only for devices with PASIDs: on a group without any it stays unfinalized
// [arm_smmu_s1_set_dev_pasid, v6.12; __iommu_set_group_pasid, v6.12-v7.0].
void System::FillPasidSlot(Domain& d, Group& g, uint32_t pasid) {
  bool programmed = false;
  for (DeviceId id : g.devices) programmed = programmed || DeviceMaxPasids(id) != 0;
  if (programmed && !d.is_static && d.instances.empty()) {
    BindDomainToInstance(d, instances_[g.instance]);
  }
  g.pasid_array[pasid] = PasidEntry{d.id, PasidUse::kDomain, 0};
}

// R-PASID-007: attaching any domain to an occupied PASID slot gives -EBUSY, even the domain
// already there (the iommufd layer's idempotent re-attach is not the core's)
// [iommu_attach_device_pasid, v6.12-v7.0: xa_insert]. The checks run in the core's order: the
// domain's ops (R-PASID-011), pasid 0 and the range (R-PASID-006), the slot, then the driver.
Errno System::AttachDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  if (d->type == DomainType::kIdentity) return Errno::kEOPNOTSUPP;
  if (Errno e = CheckPasidForGroup(g, pasid); e != Errno::kOk) return e;
  if (g.pasid_array.count(pasid) != 0) return Errno::kEBUSY;
  if (Errno e = CheckPasidDomain(*d, g); e != Errno::kOk) return e;
  FillPasidSlot(*d, g, pasid);
  return Errno::kOk;
}

// R-PASID-009: replace needs pasid != 0 and an occupied slot (-EINVAL when empty, before any
// range check) filled through the core PASID API (-EBUSY for an SVA or aux slot [decision: the
// core does not look, only iommufd calls it, on its own slots]); the same domain again is a
// no-op success; a driver refusal keeps the old domain [iommu_replace_device_pasid, v7.0].
Errno System::ReplaceDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  if (d->type == DomainType::kIdentity) return Errno::kEOPNOTSUPP;
  if (pasid == 0) return Errno::kEINVAL;
  auto it = g.pasid_array.find(pasid);
  if (it == g.pasid_array.end()) return Errno::kEINVAL;
  if (it->second.use != PasidUse::kDomain) return Errno::kEBUSY;
  if (it->second.domain == id) return Errno::kOk;
  if (Errno e = CheckPasidDomain(*d, g); e != Errno::kOk) return e;
  FillPasidSlot(*d, g, pasid);
  return Errno::kOk;
}

// R-PASID-010: detaching an empty slot, or a slot held by SVA or aux, is a contract violation and
// changes nothing; detaching with a domain that is not the slot's empties the slot anyway and
// reports the violation [iommu_detach_device_pasid, v6.12-v7.0, which checks neither; decision
// for the WARNs].
Errno System::DetachDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  if (FindDomainMut(id) == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  auto it = g.pasid_array.find(pasid);
  if (it == g.pasid_array.end() || it->second.use != PasidUse::kDomain) {
    return Errno::kContractViolation;
  }
  const bool mismatch = it->second.domain != id;
  g.pasid_array.erase(it);
  return mismatch ? Errno::kContractViolation : Errno::kOk;
}

Ret<DomainId> System::DomainForPasid(DeviceId dev, uint32_t pasid) const {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return {e};
  const Group& g = *GroupOfDevice(dev);
  auto it = g.pasid_array.find(pasid);
  return {Errno::kOk, it == g.pasid_array.end() ? 0 : it->second.domain};
}

}  // namespace smmuref::model::api
