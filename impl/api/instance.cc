// The fast core's instances, devices, groups, DMA ownership and RID attach (R-API-*, R-GROUP-*).
// Same results as model/api (instance.cc, device.cc, group.cc), derived from spec/rules-api.md.
// Tests: tests/stateful/api_diff_test.cc, tests/conformance/api_lockstep_test.cc.
#include <algorithm>
#include <bit>

#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {

Errno System::SetKnobs(const Knobs& k) {
  if (!instances_.empty()) return Errno::kEBUSY;  // R-API-003
  knobs_ = k;
  return Errno::kOk;
}

// R-API-001, R-API-002: one pair of static domains for the whole driver, made at the first
// registration; each instance keeps its own capabilities.
Ret<InstanceId> System::RegisterInstance(const InstanceCaps& caps) {
  const uint64_t bitmap = caps.pgsize_bitmap;
  const uint64_t min_page = bitmap & (~bitmap + 1);
  const bool bad_width = caps.ias > 52 || caps.oas > 52 || caps.pasid_bits > 20;
  if (min_page < 0x1000 || bad_width || (uint64_t{1} << caps.ias) <= min_page ||
      (uint64_t{1} << caps.oas) <= min_page) {
    return {Errno::kEINVAL};
  }
  if (blocked_ == 0) {
    blocked_ = MakeDomain(DomainType::kBlocked);
    identity_ = MakeDomain(DomainType::kIdentity);
    domains_[blocked_].is_static = true;
    domains_[identity_].is_static = true;
  }
  const InstanceId id = next_id_++;
  instances_[id] = Instance{caps};
  return {Errno::kOk, id};
}

// R-API-009: only an instance without live devices goes.
Errno System::UnregisterInstance(InstanceId id) {
  if (instances_.count(id) == 0) return Errno::kENOENT;
  for (const auto& [_, dev] : devices_) {
    if (!dev.removed && dev.desc.instance == id) return Errno::kEBUSY;
  }
  instances_.erase(id);
  return Errno::kOk;
}

// R-API-011: the larger of the knob and the instance's own floor.
uint32_t System::MinPasid(InstanceId id) const {
  auto it = instances_.find(id);
  const uint32_t floor = it == instances_.end() ? 0 : it->second.caps.min_pasid;
  return floor > knobs_.min_pasid ? floor : knobs_.min_pasid;
}

System::Device* System::Dev(DeviceId id) {
  auto it = devices_.find(id);
  return it == devices_.end() ? nullptr : &it->second;
}
const System::Device* System::Dev(DeviceId id) const {
  auto it = devices_.find(id);
  return it == devices_.end() ? nullptr : &it->second;
}

// R-API-004, R-API-005.
Errno System::Live(DeviceId id) const {
  const Device* d = Dev(id);
  if (d == nullptr) return Errno::kENOENT;
  return d->removed ? Errno::kENODEV : Errno::kOk;
}

// R-API-010, R-API-013, then R-GROUP-001/002/004/005.
Ret<DeviceId> System::ProbeDevice(const DeviceDesc& desc) {
  if (instances_.count(desc.instance) == 0) return {Errno::kENODEV};
  if (desc.sids.empty()) return {Errno::kEINVAL};
  if (desc.alias) {
    const Device* a = Dev(*desc.alias);
    if (a == nullptr || a->removed || a->desc.instance != desc.instance) return {Errno::kEINVAL};
  }
  for (const auto& [_, other] : devices_) {
    if (other.removed || other.desc.instance != desc.instance) continue;
    for (uint32_t s : desc.sids) {
      if (std::find(other.desc.sids.begin(), other.desc.sids.end(), s) != other.desc.sids.end()) {
        return {Errno::kEINVAL};
      }
    }
  }
  const DeviceId id = next_id_++;
  Device dev;
  dev.desc = desc;
  if (desc.alias) {
    dev.group = devices_.at(*desc.alias).group;
  } else {
    dev.group = next_id_++;
    Group g;
    g.instance = desc.instance;
    if (desc.default_type == DefaultDomainType::kDma) {
      g.default_domain = MakeDomain(DomainType::kDma);
      Finalize(domains_.at(g.default_domain), desc.instance);
    } else {
      g.default_domain = identity_;
    }
    g.domain = g.default_domain;
    groups_[dev.group] = std::move(g);
  }
  groups_.at(dev.group).devices.push_back(id);
  devices_[id] = std::move(dev);
  return {Errno::kOk, id};
}

// R-GROUP-017: removal always happens; leaks and a last device leaving a busy group are WARN.
Errno System::RemoveDevice(DeviceId id) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  Device& dev = devices_.at(id);
  Group& g = groups_.at(dev.group);
  bool warn = !dev.aux.empty();
  for (auto& [hid, h] : sva_) {
    if (h.refs != 0 && h.device == id) {
      warn = true;
      Release(hid, h);
    }
  }
  DropAux(dev, g);
  for (const auto& [_, hid] : dev.dma_by_addr) {
    warn = true;
    dma_.at(hid).live = false;
  }
  dev.dma_by_addr.clear();
  g.devices.erase(std::find(g.devices.begin(), g.devices.end(), id));
  if (g.devices.empty()) {
    warn = warn || g.users != 0 || g.domain != g.default_domain;
    Domain* dd = Dom(g.default_domain);
    if (dd != nullptr && !dd->is_static) domains_.erase(g.default_domain);
    groups_.erase(dev.group);
  }
  dev.removed = true;
  return warn ? Errno::kContractViolation : Errno::kOk;
}

Ret<GroupId> System::GroupOf(DeviceId id) const {
  if (Errno e = Live(id); e != Errno::kOk) return {e};
  return {Errno::kOk, devices_.at(id).group};
}

// R-API-012.
uint64_t System::DeviceMaxPasids(DeviceId id) const {
  const Device* d = Dev(id);
  if (d == nullptr || d->removed || d->desc.pasid_bits == 0) return 0;
  auto it = instances_.find(d->desc.instance);
  if (it == instances_.end()) return 0;
  return uint64_t{1} << std::min(d->desc.pasid_bits, it->second.caps.pasid_bits);
}

bool System::HasAux(const Group& g) const {
  return std::any_of(g.devices.begin(), g.devices.end(),
                     [&](DeviceId d) { return !devices_.at(d).aux.empty(); });
}

// R-GROUP-011, R-DOM-006: which domains a device of this instance can be put on.
Errno System::DomainFits(const Domain& d, const Device& dev) const {
  if (d.type == DomainType::kSva) return Errno::kEINVAL;
  if (d.is_static || d.instances.empty() || d.Bound(dev.desc.instance)) return Errno::kOk;
  if (knobs_.domain_scope != DomainScope::kLegacyCrossInstance || !d.device_less) {
    return Errno::kEINVAL;
  }
  return d.pt.leaves.empty() ? Errno::kOk : Errno::kEINVAL;
}

// R-GROUP-012, R-DOM-004, R-DOM-005: all-or-nothing move of a group's RID domain.
Errno System::MoveGroup(Group& g, DomainId id) {
  if (g.domain == id) return Errno::kOk;
  Domain& d = domains_.at(id);
  if (d.type == DomainType::kBlocked) {
    for (DeviceId dev : g.devices) {
      if (devices_.at(dev).desc.require_direct) return Errno::kEINVAL;
    }
  }
  if (!d.is_static) {
    if (d.instances.empty()) {
      Finalize(d, g.instance);
    } else if (!d.Bound(g.instance)) {
      Extend(d, g.instance);
    }
  }
  g.domain = id;
  return Errno::kOk;
}

// R-GROUP-010, R-AUX-006: attach only from a core domain, never beside aux domains.
Errno System::AttachChecked(DomainId id, Group& g) {
  if (HasAux(g)) return Errno::kEBUSY;
  if (g.domain != g.default_domain && (g.blocking == 0 || g.domain != g.blocking)) {
    return Errno::kEBUSY;
  }
  if (Errno e = DomainFits(domains_.at(id), devices_.at(g.devices.front())); e != Errno::kOk) {
    return e;
  }
  return MoveGroup(g, id);
}

// R-GROUP-009: a device alone in its group.
Errno System::AttachDevice(DomainId id, DeviceId dev) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  if (Dom(id) == nullptr) return Errno::kENOENT;
  Group& g = GroupFor(dev);
  if (g.devices.size() != 1) return Errno::kEINVAL;
  return AttachChecked(id, g);
}

Errno System::AttachGroup(DomainId id, DeviceId member) {
  if (Errno e = Live(member); e != Errno::kOk) return e;
  if (Dom(id) == nullptr) return Errno::kENOENT;
  return AttachChecked(id, GroupFor(member));
}

// R-GROUP-013: the core domain is the blocking domain while owned, else the default.
static DomainId CoreOf(DomainId blocking, DomainId default_domain, uint64_t owner) {
  return owner != 0 ? blocking : default_domain;
}

// R-GROUP-014.
Errno System::DetachDevice(DomainId id, DeviceId dev) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  if (Dom(id) == nullptr) return Errno::kENOENT;
  Group& g = GroupFor(dev);
  if (g.devices.size() != 1 || g.domain != id) return Errno::kContractViolation;
  return MoveGroup(g, CoreOf(g.blocking, g.default_domain, g.owner));
}

// R-GROUP-015.
Errno System::DetachGroup(DomainId id, DeviceId member) {
  if (Errno e = Live(member); e != Errno::kOk) return e;
  if (Dom(id) == nullptr) return Errno::kENOENT;
  Group& g = GroupFor(member);
  const bool other = g.domain != id;
  if (Errno e = MoveGroup(g, CoreOf(g.blocking, g.default_domain, g.owner)); e != Errno::kOk) {
    return e;
  }
  return other ? Errno::kContractViolation : Errno::kOk;
}

// R-GROUP-016.
Errno System::ReplaceGroupDomain(DomainId id, DeviceId member) {
  if (Errno e = Live(member); e != Errno::kOk) return e;
  const Domain* d = Dom(id);
  if (d == nullptr) return Errno::kENOENT;
  Group& g = GroupFor(member);
  if (HasAux(g)) return Errno::kEBUSY;
  if (Errno e = DomainFits(*d, devices_.at(member)); e != Errno::kOk) return e;
  return MoveGroup(g, id);
}

// R-GROUP-006.
Errno System::ClaimDmaOwner(DeviceId dev, uint64_t owner) {
  if (owner == 0) return Errno::kEINVAL;
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  Group& g = GroupFor(dev);
  if (g.users != 0) {
    if (g.owner != owner) return Errno::kEPERM;
    ++g.users;
    return Errno::kOk;
  }
  if (g.domain != g.default_domain || !g.slots.empty()) return Errno::kEBUSY;
  if (g.blocking == 0) g.blocking = blocked_;
  if (Errno e = MoveGroup(g, g.blocking); e != Errno::kOk) return e;
  g.owner = owner;
  g.users = 1;
  return Errno::kOk;
}

// R-GROUP-007.
Errno System::ReleaseDmaOwner(DeviceId dev) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  Group& g = GroupFor(dev);
  if (g.users > 1) {
    --g.users;
    return Errno::kOk;
  }
  if (g.users == 0 || g.owner == 0 || !g.slots.empty()) return Errno::kContractViolation;
  g.owner = 0;
  g.users = 0;
  g.domain = g.default_domain;
  return Errno::kOk;
}

// R-GROUP-008.
Errno System::UseDefaultDomain(DeviceId dev) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  Group& g = GroupFor(dev);
  const bool busy = g.domain != g.default_domain || g.owner != 0 || !g.slots.empty();
  if (g.users != 0 && busy) return Errno::kEBUSY;
  ++g.users;
  return Errno::kOk;
}

Errno System::UnuseDefaultDomain(DeviceId dev) {
  if (Errno e = Live(dev); e != Errno::kOk) return e;
  Group& g = GroupFor(dev);
  if (g.users == 0 || !g.slots.empty()) return Errno::kContractViolation;
  --g.users;
  return Errno::kOk;
}

Ret<DomainId> System::CurrentDomain(DeviceId dev) const {
  if (Errno e = Live(dev); e != Errno::kOk) return {e};
  return {Errno::kOk, GroupFor(dev).domain};
}

Ret<DomainId> System::DefaultDomain(DeviceId dev) const {
  if (Errno e = Live(dev); e != Errno::kOk) return {e};
  return {Errno::kOk, GroupFor(dev).default_domain};
}

}  // namespace smmuref::impl::api
