// Devices: probe onto an instance (group formation from shared StreamIDs and aliases, default
// domain), removal, lookups. Tests: tests/model/api/group_test.cc, group_test.cc.
#include "smmuref/model/api/device.h"

#include <algorithm>
#include <set>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {
namespace {

bool SharesSid(const DeviceDesc& a, const DeviceDesc& b) {
  for (uint32_t s : a.sids) {
    if (std::find(b.sids.begin(), b.sids.end(), s) != b.sids.end()) return true;
  }
  return false;
}

}  // namespace

// R-API-010: probing needs a registered instance (-ENODEV) and at least one StreamID (-EINVAL);
// a declared alias must name a live device of the same instance (-EINVAL) [iommu_init_device,
// v6.12-v7.0; decision for the StreamID and alias checks: firmware never describes such devices].
// R-API-013: a StreamID already used by another live device of the instance fails the probe with
// -EINVAL (the same ID twice in one device is allowed) [arm_smmu_insert_master, v6.12-v7.0].
Errno System::CheckProbe(const DeviceDesc& desc) const {
  if (FindInstance(desc.instance) == nullptr) return Errno::kENODEV;
  if (desc.sids.empty()) return Errno::kEINVAL;
  if (desc.alias) {
    const Device* a = FindDevice(*desc.alias);
    if (a == nullptr || a->removed || a->desc.instance != desc.instance) return Errno::kEINVAL;
  }
  for (const auto& [_, other] : devices_) {
    if (!other.removed && other.desc.instance == desc.instance && SharesSid(desc, other.desc)) {
      return Errno::kEINVAL;
    }
  }
  return Errno::kOk;
}

Ret<DeviceId> System::ProbeDevice(const DeviceDesc& desc) {
  if (Errno e = CheckProbe(desc); e != Errno::kOk) return {e};
  const Instance* inst = FindInstance(desc.instance);
  Device dev;
  dev.id = next_id_++;
  dev.desc = desc;
  if (!desc.alias) {
    // R-GROUP-004: a new group gets its default domain (a DMA paging domain of the instance, or
    // the driver's identity domain) and starts attached to it; it has no blocking domain until
    // its first DMA-ownership claim [iommu_setup_default_domain, v6.12-v7.0].
    Group g;
    g.id = next_id_++;
    g.instance = desc.instance;
    if (desc.default_type == DefaultDomainType::kDma) {
      g.default_domain = NewDomain(DomainType::kDma);
      Domain& dd = domains_[g.default_domain];
      BindDomainToInstance(dd, *inst);
      dd.default_of = g.id;
    } else {
      g.default_domain = inst->identity_domain;
    }
    g.domain = g.default_domain;
    groups_[g.id] = g;
    dev.group = g.id;
  } else {
    // R-GROUP-002: a device declaring an alias (a PCI DMA alias, or a function without ACS
    // isolation) joins the aliased device's group; every other device gets a new group
    // [pci_device_group, v6.12-v7.0; generic_device_group, v6.12-v7.0].
    // R-GROUP-005: it translates through the group's current domain, and the group keeps the first
    // device's default type [__iommu_probe_device, v6.12-v7.0; decision: the model has no
    // default-domain change on join].
    dev.group = FindDevice(*desc.alias)->group;
  }
  // R-GROUP-001: every probed device is in exactly one group [iommu_init_device, v6.12-v7.0].
  groups_[dev.group].devices.push_back(dev.id);
  devices_[dev.id] = dev;
  return {Errno::kOk, dev.id};
}

// R-GROUP-017: removal always happens; it is WARN when it is the group's last device and the
// group still has users (owner_cnt) or is off its default domain [__iommu_group_free_device,
// v6.12-v7.0], or when the device still has SVA binds, aux domains or DMA mappings [decision: the
// kernel frees them under the caller (arm_smmu_release_device, v6.16+, WARNs only for IOPF
// users); the model names the leak]. PASIDs left on the group vanish with it, without WARN.
Errno System::RemoveDevice(DeviceId id) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  Device& dev = devices_[id];
  Group& g = groups_[dev.group];
  bool violation = !dev.aux_domains.empty();
  for (auto& [_, h] : sva_handles_) {
    if (h.refcount > 0 && h.device == id) {
      violation = true;
      h.refcount = 1;
      ReleaseSvaHandle(h);
    }
  }
  for (DomainId a : dev.aux_domains) {
    Domain* d = FindDomainMut(a);
    if (d != nullptr) {
      g.pasid_array.erase(d->aux_pasid);
      if (--d->aux_users == 0) pasids_.Release(d->aux_pasid), d->aux_pasid = 0;
    }
  }
  dev.aux_domains.clear();
  dev.aux_path = false;
  for (auto& [_, h] : dma_handles_) {
    if (h.live && h.device == id) violation = true, h.live = false;
  }
  g.devices.erase(std::find(g.devices.begin(), g.devices.end(), id));
  if (g.devices.empty()) {
    violation = violation || g.owner_cnt != 0 || g.domain != g.default_domain;
    Domain* dd = FindDomainMut(g.default_domain);
    if (dd != nullptr && !dd->is_static) domains_.erase(g.default_domain);
    groups_.erase(g.id);
  }
  dev.removed = true;
  return violation ? Errno::kContractViolation : Errno::kOk;
}

Ret<GroupId> System::GroupOf(DeviceId id) const {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  return {Errno::kOk, FindDevice(id)->group};
}

uint64_t System::DeviceMaxPasids(DeviceId id) const {
  const Device* dev = FindDevice(id);
  if (dev == nullptr || dev->removed) return 0;
  const Instance* inst = FindInstance(dev->desc.instance);
  return inst == nullptr ? 0 : MaxPasids(dev->desc.pasid_bits, inst->caps.pasid_bits);
}

uint32_t System::DeviceSsidBits(DeviceId id) const {
  const Device* dev = FindDevice(id);
  if (dev == nullptr || dev->removed) return 0;
  const Instance* inst = FindInstance(dev->desc.instance);
  return inst == nullptr ? 0 : SsidBits(dev->desc.pasid_bits, inst->caps.pasid_bits);
}

Device* System::FindDevice(DeviceId id) {
  auto it = devices_.find(id);
  return it == devices_.end() ? nullptr : &it->second;
}
const Device* System::FindDevice(DeviceId id) const {
  auto it = devices_.find(id);
  return it == devices_.end() ? nullptr : &it->second;
}

// R-API-004: an id that names no object gives -ENOENT and changes nothing [decision: the kernel
// API takes pointers; the model follows iommufd, where an unknown object id is -ENOENT].
// R-API-005: an operation on a removed device gives -ENODEV and changes nothing
// [iommu_attach_device, v6.12-v7.0: no group is -ENODEV; decision for the calls that return void
// or 0 there].
Errno System::LiveDevice(DeviceId id) const {
  const Device* dev = FindDevice(id);
  if (dev == nullptr) return Errno::kENOENT;
  return dev->removed ? Errno::kENODEV : Errno::kOk;
}

Group* System::GroupOfDevice(DeviceId id) {
  Device* dev = FindDevice(id);
  if (dev == nullptr || dev->removed) return nullptr;
  auto it = groups_.find(dev->group);
  return it == groups_.end() ? nullptr : &it->second;
}
const Group* System::GroupOfDevice(DeviceId id) const {
  const Device* dev = FindDevice(id);
  if (dev == nullptr || dev->removed) return nullptr;
  auto it = groups_.find(dev->group);
  return it == groups_.end() ? nullptr : &it->second;
}

}  // namespace smmuref::model::api
