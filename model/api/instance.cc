// IOMMU instances: registration with per-instance capabilities (seed 002), static domains of
// their ops, unregistration. Tests: tests/model/api/domain_test.cc.
#include "smmuref/model/api/instance.h"

#include <algorithm>
#include <bit>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

uint64_t MinPageSize(uint64_t bitmap) {
  return bitmap == 0 ? 0 : (uint64_t{1} << std::countr_zero(bitmap));
}

// R-API-012: a device's PASID count is the smaller of its capability and its instance's; either
// side without PASID support gives 0 [C-NEW dev_iommu_get_max_pasids; V3 ssid_bits].
uint64_t MaxPasids(uint32_t device_bits, uint32_t instance_bits) {
  if (device_bits == 0 || instance_bits == 0) return 0;
  return uint64_t{1} << std::min(device_bits, instance_bits);
}

// R-API-001: an instance needs a non-empty page-size bitmap with sizes of at least 4K, IAS and
// OAS of at most 52 bits and covering its smallest page, and at most 20 PASID bits; else -EINVAL.
Ret<InstanceId> System::RegisterInstance(const InstanceCaps& caps) {
  const uint64_t min_page = MinPageSize(caps.pgsize_bitmap);
  if (min_page < 0x1000 || caps.ias > 52 || caps.oas > 52 || caps.pasid_bits > 20 ||
      (uint64_t{1} << caps.ias) <= min_page || (uint64_t{1} << caps.oas) <= min_page) {
    return {Errno::kEINVAL};
  }
  // R-API-002: each instance keeps its own capabilities and static domains; instances never
  // share ops state [seed 002; C-NEW iommu_device_register].
  Instance inst;
  inst.id = next_id_++;
  inst.caps = caps;
  inst.blocked_domain = NewDomain(DomainType::kBlocked);
  inst.identity_domain = NewDomain(DomainType::kIdentity);
  for (DomainId s : {inst.blocked_domain, inst.identity_domain}) {
    Domain& d = domains_[s];
    d.is_static = true;
    d.instances.insert(inst.id);
  }
  instances_[inst.id] = inst;
  return {Errno::kOk, inst.id};
}

// R-API-009: an instance with live devices cannot be unregistered (-EBUSY) [decision: upstream
// releases the devices; the model asks callers to remove them first so every release is a
// visible operation]; unknown id -ENOENT.
Errno System::UnregisterInstance(InstanceId id) {
  Instance* inst = FindInstance(id);
  if (inst == nullptr) return Errno::kENOENT;
  for (const auto& [_, dev] : devices_) {
    if (dev.desc.instance == id && !dev.removed) return Errno::kEBUSY;
  }
  domains_.erase(inst->blocked_domain);
  domains_.erase(inst->identity_domain);
  instances_.erase(id);
  return Errno::kOk;
}

// R-API-011: the lowest PASID an instance hands out is the larger of the min_pasid knob and the
// instance's own floor (SMMUv3: CD 0 carries the non-PASID stream) [seed 001; S-RFC].
uint32_t System::MinPasid(InstanceId id) const {
  const Instance* inst = FindInstance(id);
  uint32_t floor = inst == nullptr ? 0 : inst->caps.min_pasid;
  return std::max(knobs_.min_pasid, floor);
}

Instance* System::FindInstance(InstanceId id) {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : &it->second;
}
const Instance* System::FindInstance(InstanceId id) const {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : &it->second;
}

}  // namespace smmuref::model::api
