// Groups: DMA ownership, and attach / detach / replace of the RID domain, all-or-nothing per
// group. Tests: tests/model/api/group_test.cc.
#include "smmuref/model/api/group.h"

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

// R-GROUP-013: the core domain a group returns to is its blocking domain while it has a DMA
// owner, else its default domain [__iommu_group_set_core_domain, v6.12-v7.0].
DomainId System::CoreDomain(const Group& g) const {
  return g.owner != 0 ? g.blocking_domain : g.default_domain;
}

bool System::GroupHasAux(const Group& g) const {
  for (DeviceId id : g.devices) {
    if (!FindDevice(id)->aux_domains.empty()) return true;
  }
  return false;
}

// R-GROUP-011: a domain attaches only to devices of the instance it is bound to: the core
// accepts any domain of the same driver, including the driver's static domains, and
// arm-smmu-v3 refuses a paging domain of another SMMU with -EINVAL; SVA domains never attach to
// a RID (-EINVAL) [domain_iommu_ops_compatible, v6.12-v7.0; arm_smmu_attach_dev, v6.12-v7.0].
// Under domain_scope=legacy a device-less domain binds at first attach; under
// legacy_cross_instance it may then extend to a further instance (R-DOM-005, R-DOM-006).
Errno System::CheckDomainFor(const Domain& d, const Device& dev) const {
  if (d.type == DomainType::kSva) return Errno::kEINVAL;
  if (d.is_static) return Errno::kOk;
  if (d.instances.empty() || d.instances.count(dev.desc.instance) != 0) return Errno::kOk;
  const bool cross = knobs_.domain_scope == DomainScope::kLegacyCrossInstance;
  if (!cross || !d.device_less) return Errno::kEINVAL;
  // R-DOM-006: extending a domain to another instance needs it to hold no mappings
  // [decision: live leaves were chosen for the old page sizes; re-cutting them is not an API
  // operation and upstream never implemented cross-instance domains; arm_smmu_attach_dev,
  // v6.12, refuses the other instance instead].
  return d.leaves.empty() ? Errno::kOk : Errno::kEINVAL;
}

// R-GROUP-012: a group changes domain all-or-nothing: every device is checked first (a device
// with direct-mapped regions cannot sit on a blocked domain: -EINVAL), and only when all pass
// does the group move; otherwise nothing changes [__iommu_group_set_domain_internal, v6.12-v7.0;
// __iommu_device_set_domain, v6.12-v7.0]. Setting the current domain again is a no-op success.
Errno System::SetGroupDomain(Group& g, DomainId id) {
  if (g.domain == id) return Errno::kOk;
  Domain& d = domains_[id];
  for (DeviceId dev : g.devices) {
    if (FindDevice(dev)->desc.require_direct && d.type == DomainType::kBlocked) {
      return Errno::kEINVAL;
    }
  }
  const Instance& inst = instances_[g.instance];
  if (d.is_static) {
    // the driver's static domains belong to no instance
  } else if (d.instances.empty()) {
    // R-DOM-004: a device-less domain is finalized for the instance of its first attach.
    BindDomainToInstance(d, inst);
  } else if (d.instances.count(g.instance) == 0) {
    if (Errno e = ExtendDomainTo(d, inst); e != Errno::kOk) return e;
  }
  g.domain = id;
  return Errno::kOk;
}

// R-GROUP-010: attach succeeds only from the group's default domain or its blocking domain,
// which exists only once the group has been claimed: a group on any other domain (the same one,
// or the static blocked domain of a group never claimed) gives -EBUSY [__iommu_attach_group,
// v6.12-v7.0]. R-AUX-006: a group whose devices have aux domains refuses a RID attach with
// -EBUSY [iommu_aux_attach_device, v5.1-v5.17: the core comment; decision for the code].
Errno System::AttachGroupChecked(Domain& d, Group& g) {
  if (GroupHasAux(g)) return Errno::kEBUSY;
  const bool core = g.domain == g.default_domain ||
                    (g.blocking_domain != 0 && g.domain == g.blocking_domain);
  if (!core) return Errno::kEBUSY;
  if (Errno e = CheckDomainFor(d, *FindDevice(g.devices.front())); e != Errno::kOk) return e;
  return SetGroupDomain(g, d.id);
}

// R-GROUP-009: iommu_attach_device needs the device to be alone in its group (-EINVAL)
// [iommu_attach_device, v6.12-v7.0].
Errno System::AttachDevice(DomainId id, DeviceId dev) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  if (g.devices.size() != 1) return Errno::kEINVAL;
  return AttachGroupChecked(*d, g);
}

Errno System::AttachGroup(DomainId id, DeviceId member) {
  if (Errno e = LiveDevice(member); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  return AttachGroupChecked(*d, *GroupOfDevice(member));
}

// R-GROUP-014: detaching a domain the device's group is not on, or from a device that is not
// alone in its group, is a contract violation (WARN) and changes nothing [iommu_detach_device,
// v6.12-v7.0]. Otherwise the group returns to its core domain (R-GROUP-013).
Errno System::DetachDevice(DomainId id, DeviceId dev) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  if (FindDomainMut(id) == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(dev);
  if (g.devices.size() != 1 || g.domain != id) return Errno::kContractViolation;
  return SetGroupDomain(g, CoreDomain(g));
}

// R-GROUP-015: iommu_detach_group does not check its domain argument: the group returns to its
// core domain either way, and a mismatching argument is reported as a contract violation
// [iommu_detach_group, v6.12-v7.0; decision for the WARN].
Errno System::DetachGroup(DomainId id, DeviceId member) {
  if (Errno e = LiveDevice(member); e != Errno::kOk) return e;
  if (FindDomainMut(id) == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(member);
  const bool mismatch = g.domain != id;
  Errno e = SetGroupDomain(g, CoreDomain(g));
  if (e != Errno::kOk) return e;
  return mismatch ? Errno::kContractViolation : Errno::kOk;
}

// R-GROUP-016: replace switches the group to the new domain from any current domain (no -EBUSY
// for a non-core domain), all-or-nothing, with the driver's compatibility checks
// [iommu_group_replace_domain, v6.12-v7.0].
Errno System::ReplaceGroupDomain(DomainId id, DeviceId member) {
  if (Errno e = LiveDevice(member); e != Errno::kOk) return e;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = *GroupOfDevice(member);
  if (GroupHasAux(g)) return Errno::kEBUSY;
  if (Errno e = CheckDomainFor(*d, *FindDevice(member)); e != Errno::kOk) return e;
  return SetGroupDomain(g, id);
}

// R-GROUP-006: claiming DMA ownership needs a non-zero owner (-EINVAL); a group with users
// refuses a different owner (-EPERM, kernel drivers on the default domain included) and stacks
// the same one; a group off its default domain or with PASIDs attached gives -EBUSY; the first
// claim gives the group its blocking domain (the driver's static blocked domain), which it
// keeps, and moves the group onto it [iommu_device_claim_dma_owner, v6.12-v7.0;
// __iommu_take_dma_ownership, v6.12-v7.0].
Errno System::ClaimDmaOwner(DeviceId dev, uint64_t owner) {
  if (owner == 0) return Errno::kEINVAL;
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Group& g = *GroupOfDevice(dev);
  if (g.owner_cnt != 0) {
    if (g.owner != owner) return Errno::kEPERM;
    ++g.owner_cnt;
    return Errno::kOk;
  }
  if (g.domain != g.default_domain || !g.pasid_array.empty()) return Errno::kEBUSY;
  if (g.blocking_domain == 0) g.blocking_domain = instances_[g.instance].blocked_domain;
  if (Errno e = SetGroupDomain(g, g.blocking_domain); e != Errno::kOk) return e;
  g.owner = owner;
  g.owner_cnt = 1;
  return Errno::kOk;
}

// R-GROUP-007: a release while the group has more than one user only drops the count, whoever
// the users are; the last release is WARN and changes nothing when the group has no owner or
// still has PASIDs attached, and otherwise returns the group to its default domain
// [iommu_device_release_dma_owner, v6.12-v7.0; __iommu_release_dma_ownership, v6.12-v7.0].
Errno System::ReleaseDmaOwner(DeviceId dev) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Group& g = *GroupOfDevice(dev);
  if (g.owner_cnt > 1) {
    --g.owner_cnt;
    return Errno::kOk;
  }
  if (g.owner_cnt == 0 || g.owner == 0 || !g.pasid_array.empty()) {
    return Errno::kContractViolation;
  }
  g.owner = 0;
  g.owner_cnt = 0;
  g.domain = g.default_domain;
  return Errno::kOk;
}

// R-GROUP-008: a kernel driver using the default domain counts as a user; it is refused
// (-EBUSY) when the group already has users and is off its default domain, owned, or has PASIDs
// attached; an unbalanced or PASID-holding unuse is a contract violation and changes nothing
// [iommu_device_use_default_domain, v6.12-v7.0; iommu_device_unuse_default_domain, v6.12-v7.0].
Errno System::UseDefaultDomain(DeviceId dev) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Group& g = *GroupOfDevice(dev);
  if (g.owner_cnt != 0 &&
      (g.domain != g.default_domain || g.owner != 0 || !g.pasid_array.empty())) {
    return Errno::kEBUSY;
  }
  ++g.owner_cnt;
  return Errno::kOk;
}

Errno System::UnuseDefaultDomain(DeviceId dev) {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return e;
  Group& g = *GroupOfDevice(dev);
  if (g.owner_cnt == 0 || !g.pasid_array.empty()) return Errno::kContractViolation;
  --g.owner_cnt;
  return Errno::kOk;
}

Ret<DomainId> System::CurrentDomain(DeviceId dev) const {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return {e};
  return {Errno::kOk, GroupOfDevice(dev)->domain};
}

Ret<DomainId> System::DefaultDomain(DeviceId dev) const {
  if (Errno e = LiveDevice(dev); e != Errno::kOk) return {e};
  return {Errno::kOk, GroupOfDevice(dev)->default_domain};
}

}  // namespace smmuref::model::api
