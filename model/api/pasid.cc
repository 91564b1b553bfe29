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

// R-PASID-002: a device's PASIDs are [min_pasid, max_pasids - 1], min_pasid as in R-API-011;
// a device without PASID support (or with an empty range) has none.
std::optional<uint32_t> System::PasidRange(const Device& dev, uint32_t* lo, uint32_t* hi) const {
  const uint64_t max = DeviceMaxPasids(dev.id);
  if (max == 0) return std::nullopt;
  *lo = MinPasid(dev.desc.instance);
  *hi = static_cast<uint32_t>(max - 1);
  if (*lo > *hi) return std::nullopt;
  return *lo;
}

// R-PASID-001: PASIDs come from one system-wide space: an allocated PASID is unique across all
// devices and instances until freed [S-65 global IDA]. R-PASID-004: allocation for a device
// without PASIDs gives -EOPNOTSUPP and exhaustion -ENOSPC [decision: upstream returns
// IOMMU_PASID_INVALID for both; the model names the two causes]. The default choice is the
// lowest free PASID; R-PASID-012: a proposed PASID is adopted only if free and in the device's
// range, else BADCHOICE.
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
    auto free = pasids_.LowestFree(lo, hi);
    if (!free) return {Errno::kENOSPC};
    pasid = *free;
  }
  pasids_.Take(pasid, PasidOwner{PasidOwnerKind::kDriver, id});
  return {Errno::kOk, pasid};
}

// R-PASID-005: freeing a PASID that is not allocated, or that belongs to an address space or an
// aux domain, is a contract violation and changes nothing [C-NEW iommu_free_global_pasid WARN;
// decision for foreign owners].
Errno System::FreeGlobalPasid(uint32_t pasid) {
  auto owner = pasids_.OwnerOf(pasid);
  if (!owner || owner->kind != PasidOwnerKind::kDriver) return Errno::kContractViolation;
  pasids_.Release(pasid);
  return Errno::kOk;
}

// R-PASID-006: a PASID attach needs pasid != 0 and, for every PASID-capable device of the group,
// min_pasid <= pasid < max_pasids: -EINVAL otherwise [C-NEW iommu_attach_device_pasid; decision
// for the min_pasid floor: PASIDs below it name CD entries the instance reserves].
// R-PASID-008: a group without any PASID-capable device gives -EOPNOTSUPP [decision: upstream
// stores the slot and programs nothing; a slot no device can use is refused instead].
Errno System::CheckPasidForGroup(const Group& g, uint32_t pasid) const {
  if (pasid == 0) return Errno::kEINVAL;
  bool capable = false;
  for (DeviceId id : g.devices) {
    const uint64_t max = DeviceMaxPasids(id);
    if (max == 0) continue;
    capable = true;
    if (pasid >= max || pasid < MinPasid(g.instance)) return Errno::kEINVAL;
  }
  return capable ? Errno::kOk : Errno::kEOPNOTSUPP;
}

// R-PASID-007: attaching any domain (paging, identity, blocked, SVA) to an occupied PASID slot
// gives -EBUSY, even for the domain already there [C-NEW xa_insert; UFD contrast noted in
// rules]. Success fills the slot for the whole group; an unfinalized domain is finalized.
Errno System::AttachDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  if (!d->instances.empty() && d->instances.count(g.instance) == 0) return Errno::kEINVAL;
  if (Errno e = CheckPasidForGroup(g, pasid); e != Errno::kOk) return e;
  if (g.pasid_array.count(pasid) != 0) return Errno::kEBUSY;
  if (d->instances.empty()) BindDomainToInstance(*d, instances_[g.instance]);
  g.pasid_array[pasid] = PasidEntry{id, PasidUse::kDomain, 0};
  return Errno::kOk;
}

// R-PASID-009: replace needs an occupied slot (-EINVAL when empty) filled through the core PASID
// API (-EBUSY for an SVA or aux slot [decision]); the same domain again is a no-op success;
// failure keeps the old domain [C-NEW iommu_replace_device_pasid; UFD].
Errno System::ReplaceDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  if (!d->instances.empty() && d->instances.count(g.instance) == 0) return Errno::kEINVAL;
  if (Errno e = CheckPasidForGroup(g, pasid); e != Errno::kOk) return e;
  auto it = g.pasid_array.find(pasid);
  if (it == g.pasid_array.end()) return Errno::kEINVAL;
  if (it->second.use != PasidUse::kDomain) return Errno::kEBUSY;
  if (d->instances.empty()) BindDomainToInstance(*d, instances_[g.instance]);
  it->second.domain = id;
  return Errno::kOk;
}

// R-PASID-010: detaching an empty slot, or a slot held by SVA or aux, is a contract violation and
// changes nothing; detaching with a domain that is not the slot's empties the slot anyway and
// reports the violation [C-NEW iommu_detach_device_pasid does not check the domain].
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
