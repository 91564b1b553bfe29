// Aux domains: attach / detach / get-PASID next to the primary domain, with the first attach
// enabling the device's PASID (TTBR0) path and the last detach disabling it (seed 003).
// Tests: tests/model/api/aux_test.cc, corpus/vectors/api/aux.vec.
#include "smmuref/model/api/aux.h"

#include <algorithm>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

// R-AUX-002: aux attach and get-PASID need aux_domains=on and the device's AUX feature enabled:
// -ENODEV otherwise [iommu_aux_attach_device, v5.1-v5.17, a3a195929d40, with the later
// feature-enabled check].
// R-AUX-003: an aux domain is an unmanaged paging domain of the device's instance (or an
// unfinalized one, then bound), not a RID domain of any group: -EINVAL, -EBUSY [decision for
// -EBUSY: a domain is either a device's primary or an aux domain, never both;
// iommu_aux_attach_device, v5.1-v5.17].
Ret<uint32_t> System::AuxAttach(DomainId id, DeviceId dev_id, std::optional<uint32_t> proposed) {
  if (Errno e = LiveDevice(dev_id); e != Errno::kOk) return {e};
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return {Errno::kENOENT};
  Device& dev = devices_[dev_id];
  if (!knobs_.aux_domains || !dev.feat_aux) return {Errno::kENODEV};
  if (d->type != DomainType::kUnmanaged ||
      (!d->instances.empty() && d->instances != std::set<InstanceId>{dev.desc.instance})) {
    return {Errno::kEINVAL};
  }
  for (const auto& [_, g] : groups_) {
    if (g.domain == id) return {Errno::kEBUSY};
  }
  if (std::count(dev.aux_domains.begin(), dev.aux_domains.end(), id) != 0) return {Errno::kEBUSY};
  uint32_t lo = 0, hi = 0;
  if (!PasidRange(dev, &lo, &hi)) return {Errno::kEINVAL};
  // R-AUX-010: an aux domain carries one PASID on every device it is attached to, taken from the
  // global space at its first aux attach (lowest free, or a proposal checked as in R-PASID-012)
  // and freed at its last aux detach [iommu_aux_attach_device, v5.1-v5.17: default PASID design].
  uint32_t pasid = d->aux_pasid;
  if (pasid != 0) {
    if (proposed && *proposed != pasid) return {Errno::kBadChoice};
    if (pasid < lo || pasid > hi) return {Errno::kEINVAL};
  } else if (proposed) {
    if (*proposed < lo || *proposed > hi || pasids_.IsAllocated(*proposed)) {
      return {Errno::kBadChoice};
    }
    pasid = *proposed;
  } else {
    auto free = pasids_.LowestFree(lo, hi);
    if (!free) return {Errno::kENOSPC};
    pasid = *free;
  }
  Group& g = *GroupOfDevice(dev_id);
  if (g.pasid_array.count(pasid) != 0) return {Errno::kEBUSY};
  if (d->aux_pasid == 0) pasids_.Take(pasid, PasidOwner{PasidOwnerKind::kAux, id});
  if (d->instances.empty()) BindDomainToInstance(*d, instances_[dev.desc.instance]);
  d->aux_pasid = pasid;
  ++d->aux_users;
  g.pasid_array[pasid] = PasidEntry{id, PasidUse::kAux, 0};
  dev.aux_domains.push_back(id);
  // R-AUX-004: the first aux domain attached to a device enables its PASID (TTBR0) path; later
  // ones only add a table. The primary domain keeps translating non-PASID traffic (R-AUX-006).
  dev.aux_path = true;
  return {Errno::kOk, pasid};
}

// R-AUX-008: aux-detaching a domain that is not aux-attached to the device is a contract
// violation and changes nothing [iommu_aux_detach_device, v5.1-v5.17; decision: the core call
// returns void].
Errno System::AuxDetach(DomainId id, DeviceId dev_id) {
  if (Errno e = LiveDevice(dev_id); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Device& dev = devices_[dev_id];
  auto it = std::find(dev.aux_domains.begin(), dev.aux_domains.end(), id);
  if (it == dev.aux_domains.end()) return Errno::kContractViolation;
  dev.aux_domains.erase(it);
  GroupOfDevice(dev_id)->pasid_array.erase(d->aux_pasid);
  if (--d->aux_users == 0) {
    pasids_.Release(d->aux_pasid);
    d->aux_pasid = 0;
  }
  // R-AUX-005: the last aux detach disables the device's PASID path [seed 003;
  // arm_smmu_aux_detach_dev, RFC 2020].
  if (dev.aux_domains.empty()) dev.aux_path = false;
  return Errno::kOk;
}

// R-AUX-007: get-PASID returns the domain's PASID while it is aux-attached to the device;
// -EINVAL when it is not [iommu_aux_get_pasid, v5.1-v5.17], -ENODEV as in R-AUX-002.
Ret<uint32_t> System::AuxGetPasid(DomainId id, DeviceId dev_id) const {
  if (Errno e = LiveDevice(dev_id); e != Errno::kOk) return {e};
  const Domain* d = FindDomain(id);
  if (d == nullptr) return {Errno::kENOENT};
  const Device& dev = *FindDevice(dev_id);
  if (!knobs_.aux_domains || !dev.feat_aux) return {Errno::kENODEV};
  if (std::count(dev.aux_domains.begin(), dev.aux_domains.end(), id) == 0) return {Errno::kEINVAL};
  return {Errno::kOk, d->aux_pasid};
}

Ret<bool> System::AuxPathEnabled(DeviceId dev_id) const {
  if (Errno e = LiveDevice(dev_id); e != Errno::kOk) return {e};
  return {Errno::kOk, FindDevice(dev_id)->aux_path};
}

}  // namespace smmuref::model::api
