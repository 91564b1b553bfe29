// The fast core's PASIDs (R-PASID-*): global allocation from the hierarchical bitmap within each
// device's [min_pasid, max_pasids - 1], and PASID attach / replace / detach on a group's slots.
// Same results as model/api/pasid.cc. Tests: tests/impl/api/pasid_bitmap_test.cc,
// tests/stateful/api_diff_test.cc, corpus/vectors/api/pasid.vec, min_pasid.vec.
#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {

// R-PASID-002: false for a device without PASIDs; the range may be empty (lo > hi).
bool System::DeviceRange(DeviceId id, uint32_t* lo, uint32_t* hi) const {
  const uint64_t max = DeviceMaxPasids(id);
  if (max == 0) return false;
  *lo = MinPasid(devices_.at(id).desc.instance);
  *hi = static_cast<uint32_t>(max - 1);
  return true;
}

// R-PASID-001, R-PASID-004, R-PASID-012: the lowest free PASID of the device's range, or a
// proposal that is free and in range.
Ret<uint32_t> System::AllocGlobalPasid(DeviceId id, std::optional<uint32_t> proposed) {
  if (Errno e = Live(id); e != Errno::kOk) return {e};
  uint32_t lo = 0, hi = 0;
  if (!DeviceRange(id, &lo, &hi)) return {Errno::kEOPNOTSUPP};
  return TakePasid(lo, hi, proposed, /*driver=*/true);
}

Ret<uint32_t> System::TakePasid(uint32_t lo, uint32_t hi, std::optional<uint32_t> proposed,
                                bool driver) {
  uint32_t pasid = 0;
  if (proposed) {
    if (*proposed < lo || *proposed > hi || pasids_.Test(*proposed)) return {Errno::kBadChoice};
    pasid = *proposed;
  } else {
    const std::optional<uint32_t> free = pasids_.FindFirstZero(lo, hi);
    if (!free) return {Errno::kENOSPC};
    pasid = *free;
  }
  pasids_.Set(pasid, driver);
  return {Errno::kOk, pasid};
}

// R-PASID-005: only a driver's allocated PASID is freed.
Errno System::FreeGlobalPasid(uint32_t pasid) {
  if (!pasids_.DriverOwned(pasid)) return Errno::kContractViolation;
  pasids_.Clear(pasid);
  return Errno::kOk;
}

// R-PASID-006, R-PASID-008: pasid 0 never; devices with PASIDs bound it by [floor, max).
Errno System::PasidFitsGroup(const Group& g, uint32_t pasid) const {
  if (pasid == 0) return Errno::kEINVAL;
  const uint32_t floor = MinPasid(g.instance);
  for (DeviceId id : g.devices) {
    const uint64_t max = DeviceMaxPasids(id);
    if (max != 0 && (pasid >= max || pasid < floor)) return Errno::kEINVAL;
  }
  return Errno::kOk;
}

// R-PASID-011: identity cannot go on a PASID; another instance's paging domain is refused.
Errno System::PasidDomainFits(const Domain& d, const Group& g) const {
  if (d.type == DomainType::kIdentity) return Errno::kEOPNOTSUPP;
  if (!d.is_static && !d.instances.empty() && !d.Bound(g.instance)) return Errno::kEINVAL;
  return Errno::kOk;
}

// The driver finalizes an unfinalized domain only when some device of the group has PASIDs.
void System::PutSlot(DomainId id, Group& g, uint32_t pasid) {
  Domain& d = domains_.at(id);
  bool programs = false;
  for (DeviceId dev : g.devices) programs = programs || DeviceMaxPasids(dev) != 0;
  if (programs && !d.is_static && d.instances.empty()) Finalize(d, g.instance);
  g.slots[pasid] = Slot{id, SlotUse::kDomain, 0};
}

// R-PASID-007: in the core's order: the domain's ops, pasid and range, the slot, the driver.
Errno System::AttachDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  const Domain* d = Dom(id);
  if (d == nullptr) return Errno::kENOENT;
  if (d->type == DomainType::kIdentity) return Errno::kEOPNOTSUPP;
  Group& g = GroupFor(dev);
  if (Errno e = PasidFitsGroup(g, pasid); e != Errno::kOk) return e;
  if (g.slots.count(pasid) != 0) return Errno::kEBUSY;
  if (Errno e = PasidDomainFits(*d, g); e != Errno::kOk) return e;
  PutSlot(id, g, pasid);
  return Errno::kOk;
}

// R-PASID-009.
Errno System::ReplaceDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  const Domain* d = Dom(id);
  if (d == nullptr) return Errno::kENOENT;
  if (d->type == DomainType::kIdentity) return Errno::kEOPNOTSUPP;
  if (pasid == 0) return Errno::kEINVAL;
  Group& g = GroupFor(dev);
  auto slot = g.slots.find(pasid);
  if (slot == g.slots.end()) return Errno::kEINVAL;
  if (slot->second.use != SlotUse::kDomain) return Errno::kEBUSY;
  if (slot->second.domain == id) return Errno::kOk;
  if (Errno e = PasidDomainFits(*d, g); e != Errno::kOk) return e;
  PutSlot(id, g, pasid);
  return Errno::kOk;
}

// R-PASID-010.
Errno System::DetachDevicePasid(DomainId id, DeviceId dev, uint32_t pasid) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  if (Dom(id) == nullptr) return Errno::kENOENT;
  Group& g = GroupFor(dev);
  auto slot = g.slots.find(pasid);
  if (slot == g.slots.end() || slot->second.use != SlotUse::kDomain) {
    return Errno::kContractViolation;
  }
  const bool other = slot->second.domain != id;
  g.slots.erase(slot);
  return other ? Errno::kContractViolation : Errno::kOk;
}

Ret<DomainId> System::DomainForPasid(DeviceId dev, uint32_t pasid) const {
  if (Errno e = Live(dev); e != Errno::kOk) return {e};
  const Group& g = GroupFor(dev);
  auto slot = g.slots.find(pasid);
  return {Errno::kOk, slot == g.slots.end() ? 0 : slot->second.domain};
}

}  // namespace smmuref::impl::api
