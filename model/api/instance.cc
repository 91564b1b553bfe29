// IOMMU instances: registration with per-instance capabilities (seed 002), the static domains of
// their driver's ops, unregistration. Tests: tests/model/api/domain_test.cc, group_test.cc.
#include "smmuref/model/api/instance.h"

#include <algorithm>
#include <bit>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

uint64_t MinPageSize(uint64_t bitmap) {
  return bitmap == 0 ? 0 : (uint64_t{1} << std::countr_zero(bitmap));
}

// R-API-012: a device's PASID count is the smaller of its capability and its instance's, where an
// SMMU offers 2^SSIDSIZE (so 1, only PASID 0, without SubstreamIDs); a device without PASIDs
// has 0 [dev_iommu_get_max_pasids, v6.12-v7.0; arm_smmu_device_hw_probe, v6.12-v7.0].
uint64_t MaxPasids(uint32_t device_bits, uint32_t instance_bits) {
  if (device_bits == 0) return 0;
  return uint64_t{1} << std::min(device_bits, instance_bits);
}

// The SubstreamID bits a master of the instance gets: the smaller width, 0 without PASIDs on
// either side [arm_smmu_probe_device, v6.12-v7.0: master->ssid_bits].
uint32_t SsidBits(uint32_t device_bits, uint32_t instance_bits) {
  return std::min(device_bits, instance_bits);
}

// R-API-001: an instance needs a non-empty page-size bitmap with sizes of at least 4K, IAS and
// OAS of at most 52 bits and covering its smallest page, and at most 20 PASID bits; else -EINVAL.
Ret<InstanceId> System::RegisterInstance(const InstanceCaps& caps) {
  const uint64_t min_page = MinPageSize(caps.pgsize_bitmap);
  if (min_page < 0x1000 || caps.ias > 52 || caps.oas > 52 || caps.pasid_bits > 20 ||
      (uint64_t{1} << caps.ias) <= min_page || (uint64_t{1} << caps.oas) <= min_page) {
    return {Errno::kEINVAL};
  }
  // R-API-002: each instance keeps its own capabilities; every instance is an arm-smmu-v3
  // instance, so all share the driver's ops and its two static domains, made once [seed 002;
  // iommu_device_register, v6.12-v7.0; arm_smmu_ops identity_domain/blocked_domain, v6.12-v7.0].
  if (blocked_domain_ == 0) {
    blocked_domain_ = NewDomain(DomainType::kBlocked);
    identity_domain_ = NewDomain(DomainType::kIdentity);
    domains_[blocked_domain_].is_static = true;
    domains_[identity_domain_].is_static = true;
  }
  Instance inst;
  inst.id = next_id_++;
  inst.caps = caps;
  inst.blocked_domain = blocked_domain_;
  inst.identity_domain = identity_domain_;
  instances_[inst.id] = inst;
  return {Errno::kOk, inst.id};
}

// R-API-009: an instance with live devices cannot be unregistered (-EBUSY) [decision: upstream
// releases the devices; the model asks callers to remove them first so every release is a
// visible operation; iommu_device_unregister, v6.12-v7.0]; unknown id -ENOENT. The driver's
// static domains outlive its instances.
Errno System::UnregisterInstance(InstanceId id) {
  Instance* inst = FindInstance(id);
  if (inst == nullptr) return Errno::kENOENT;
  for (const auto& [_, dev] : devices_) {
    if (dev.desc.instance == id && !dev.removed) return Errno::kEBUSY;
  }
  instances_.erase(id);
  return Errno::kOk;
}

// R-API-011: the lowest PASID an instance hands out is the larger of the min_pasid knob and the
// instance's own floor (SMMUv3: CD 0 carries the non-PASID stream) [seed 001;
// iommu_alloc_global_pasid, v6.12-v7.0: IOMMU_FIRST_GLOBAL_PASID].
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
