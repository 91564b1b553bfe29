// Device features and shared virtual addressing: refcounted bind handles, one PASID per address
// space shared across devices, unbind, address-space exit, the PASID lifetime and SVA init
// knobs. Tests: tests/model/api/sva_test.cc, corpus/vectors/api/sva_*.vec.
#include "smmuref/model/api/sva.h"

#include <algorithm>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

// R-SVA-011: sva_init=rfc2018: iommu_sva_device_init(dev, features, min, max) needs an instance
// with SVA (-ENODEV), features within {IOPF} supported by the instance and a PASID-capable device
// (-EINVAL), and a first call (-EEXIST); it clamps min up to min_pasid and max (0 = 0xFFFFF) down
// to max_pasids - 1, -EINVAL if empty [iommu_sva_device_init, RFC 2018]. Other sva_init values
// give -EOPNOTSUPP [decision: the call exists only in that form].
Errno System::SvaDeviceInit(DeviceId id, uint32_t features, uint32_t min, uint32_t max) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  if (knobs_.sva_init != SvaInit::kRfc2018) return Errno::kEOPNOTSUPP;
  Device& dev = devices_[id];
  const InstanceCaps& caps = instances_[dev.desc.instance].caps;
  if (!caps.sva) return Errno::kENODEV;
  if ((features & ~1u) != 0 || ((features & 1u) != 0 && !caps.iopf)) return Errno::kEINVAL;
  const uint64_t max_pasids = DeviceMaxPasids(id);
  if (max_pasids == 0) return Errno::kEINVAL;
  if (dev.sva_param) return Errno::kEEXIST;
  const uint32_t lo = std::max(min, MinPasid(dev.desc.instance));
  const uint32_t hi = std::min<uint64_t>(max == 0 ? 0xFFFFF : max, max_pasids - 1);
  if (lo > hi) return Errno::kEINVAL;
  dev.sva_param = true;
  dev.sva_min = lo;
  dev.sva_max = hi;
  dev.sva_features = features;
  return Errno::kOk;
}

// R-SVA-020: shutdown needs a prior init (-ENODEV) and unbinds every bond of the device
// [iommu_sva_device_shutdown, RFC 2018].
Errno System::SvaDeviceShutdown(DeviceId id) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  if (knobs_.sva_init != SvaInit::kRfc2018) return Errno::kEOPNOTSUPP;
  Device& dev = devices_[id];
  if (!dev.sva_param) return Errno::kENODEV;
  for (auto& [_, h] : sva_handles_) {
    if (h.refcount > 0 && h.device == id) ReleaseSvaHandle(h);
  }
  dev.sva_param = false;
  return Errno::kOk;
}

// R-SVA-004: an address space has one PASID for all devices: the first bind allocates it from
// the device's range (lowest free, or a proposal checked as in R-PASID-012), later binds reuse
// it, and the address space keeps it even when the bind then fails [iommu_alloc_mm_data,
// v6.12-v7.0; iommu_sva_alloc_pasid, v6.5-v6.7]. R-SVA-005: a reused PASID at or above the
// device's max_pasids gives -EOVERFLOW, so a device without PASIDs gets -EOVERFLOW for an address
// space that has one and -ENOSPC for a fresh one (no PASID can be allocated for it)
// [iommu_alloc_mm_data, v6.12-v7.0]; a reused PASID below the device's floor gives -EINVAL
// [decision: the min_pasid floor]; under rfc2018 a PASID outside the device's [min, max] gives
// -ERANGE [iommu_sva_bind_device, RFC 2018]. A proposal other than the address space's PASID
// is BADCHOICE.
Ret<uint32_t> System::SvaChoosePasid(const Device& dev, Mm& mm, std::optional<uint32_t> proposed) {
  const bool rfc = knobs_.sva_init == SvaInit::kRfc2018;
  const uint64_t max = DeviceMaxPasids(dev.id);
  uint32_t lo = rfc ? dev.sva_min : MinPasid(dev.desc.instance);
  uint32_t hi = rfc ? dev.sva_max : static_cast<uint32_t>(max == 0 ? 0 : max - 1);
  if (mm.pasid != 0) {
    if (rfc && (mm.pasid < lo || mm.pasid > hi)) return {Errno::kERANGE};
    if (mm.pasid >= max) return {Errno::kEOVERFLOW};
    if (mm.pasid < lo) return {Errno::kEINVAL};
    if (proposed && *proposed != mm.pasid) return {Errno::kBadChoice};
    return {Errno::kOk, mm.pasid};
  }
  if (max == 0) return {Errno::kENOSPC};
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
  pasids_.Take(pasid, PasidOwner{PasidOwnerKind::kMm, mm.id});
  mm.pasid = pasid;
  return {Errno::kOk, pasid};
}

// R-SVA-001: what a bind checks once the PASID is known and the slot is free, by sva_init:
// modern (v6.16+) refuses an instance without SVA when it makes the SVA domain (-EOPNOTSUPP)
// before attaching it [arm_smmu_sva_domain_alloc, v7.0]; feature (v6.5-v6.9) needs
// IOMMU_DEV_FEAT_SVA enabled, checked by the driver when the PASID is set (-ENODEV)
// [__arm_smmu_sva_bind, v6.5-v6.9]; feature_unchecked (v6.10-v6.15) checks neither
// [arm_smmu_sva_domain_alloc, v6.10-v6.15]; every form then attaches with the group's PASID
// checks (R-PASID-006, -EINVAL) [iommu_attach_device_pasid, v6.12-v7.0].
Errno System::SvaAttachChecks(const Device& dev, const Group& g, uint32_t pasid) const {
  const bool sva = FindInstance(dev.desc.instance)->caps.sva;
  if (knobs_.sva_init == SvaInit::kModern && !sva) return Errno::kEOPNOTSUPP;
  if (Errno e = CheckPasidForGroup(g, pasid); e != Errno::kOk) return e;
  if (knobs_.sva_init == SvaInit::kFeature && !dev.feat_sva) return Errno::kENODEV;
  return Errno::kOk;
}

// R-SVA-001: bind first needs a live address space (-EINVAL after exit [decision: the caller
// must hold mm_users]) and, under rfc2018, a prior sva_device_init (-EINVAL)
// [iommu_sva_bind_device, RFC 2018]; then the PASID (R-SVA-004/005), the slot (R-SVA-006/007) and
// SvaAttachChecks, in that order [iommu_sva_bind_device, v6.12-v7.0].
Ret<SvaBinding> System::SvaBind(DeviceId id, MmId mm_id, std::optional<uint32_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  if (mm_id == 0) return {Errno::kEINVAL};
  Mm& mm = mms_[mm_id];
  mm.id = mm_id;
  const Device& dev = devices_[id];
  if (mm.exited) return {Errno::kEINVAL};
  if (knobs_.sva_init == SvaInit::kRfc2018 && !dev.sva_param) return {Errno::kEINVAL};
  Ret<uint32_t> pasid = SvaChoosePasid(dev, mm, proposed);
  if (!pasid.ok()) return {pasid.err};
  Group& g = *GroupOfDevice(id);
  auto slot = g.pasid_array.find(pasid.value);
  if (slot != g.pasid_array.end()) {
    SvaHandle* h = slot->second.use == PasidUse::kSva ? &sva_handles_[slot->second.handle]
                                                      : nullptr;
    // R-SVA-007: the PASID slot held by anything other than this address space's SVA handle
    // gives -EBUSY [iommu_attach_handle_get, v6.12-v7.0; iommu_attach_device_pasid: xa_insert].
    if (h == nullptr || h->mm != mm_id) return MaybeDropMmPasid(mm), Ret<SvaBinding>{Errno::kEBUSY};
    // R-SVA-006: binding the same address space again on the group returns the same handle with
    // one more reference [iommu_sva_bind_device, v6.12-v7.0, 65d4418c5002; v6.5-v6.7 gave a new
    // handle per bind]; R-SVA-013: under rfc2018 it returns the same bond and PASID without a
    // reference [iommu_sva_bind_device, RFC 2018].
    if (knobs_.sva_init != SvaInit::kRfc2018) ++h->refcount;
    return {Errno::kOk, SvaBinding{h->id, h->pasid}};
  }
  if (Errno e = SvaAttachChecks(dev, g, pasid.value); e != Errno::kOk) {
    MaybeDropMmPasid(mm);
    return {e};
  }
  // R-SVA-016: an address space has at most one SVA domain per instance, shared by every device
  // of that instance bound to it [iommu_sva_bind_device, v6.12-v7.0: sva_domains;
  // arm_smmu_set_pasid, v6.12-v7.0 refuses another instance's domain].
  const InstanceId inst = dev.desc.instance;
  DomainId dom = mm.sva_domains.count(inst) != 0 ? mm.sva_domains[inst] : 0;
  if (dom == 0) {
    dom = NewDomain(DomainType::kSva);
    domains_[dom].instances = {inst};
    domains_[dom].mm = mm_id;
    mm.sva_domains[inst] = dom;
  }
  ++domains_[dom].sva_users;
  SvaHandle h;
  h.id = next_id_++;
  h.device = id;
  h.group = g.id;
  h.mm = mm_id;
  h.pasid = pasid.value;
  h.refcount = 1;
  h.domain = dom;
  sva_handles_[h.id] = h;
  g.pasid_array[pasid.value] = PasidEntry{dom, PasidUse::kSva, h.id};
  return {Errno::kOk, SvaBinding{h.id, pasid.value}};
}

// R-SVA-008: unbind drops one reference (modern) or the whole bond (rfc2018); at zero the PASID
// slot is emptied and the SVA domain loses a user, freed at none [iommu_sva_unbind_device,
// v6.12-v7.0].
// R-SVA-014: unbinding a released handle gives -ESRCH under rfc2018 [iommu_sva_unbind_device,
// RFC 2018] and is a contract violation otherwise (refcount underflow [refcount_dec_and_test,
// v6.12-v7.0]); an unknown handle gives -ENOENT.
Errno System::SvaUnbind(SvaHandleId id) {
  auto it = sva_handles_.find(id);
  if (it == sva_handles_.end()) return Errno::kENOENT;
  SvaHandle& h = it->second;
  if (h.refcount == 0) {
    return knobs_.sva_init == SvaInit::kRfc2018 ? Errno::kESRCH : Errno::kContractViolation;
  }
  if (knobs_.sva_init == SvaInit::kRfc2018) h.refcount = 1;
  if (--h.refcount == 0) {
    h.refcount = 1;
    ReleaseSvaHandle(h);
  }
  return Errno::kOk;
}

void System::ReleaseSvaHandle(SvaHandle& h) {
  h.refcount = 0;
  auto g = groups_.find(h.group);
  if (g != groups_.end()) {
    auto slot = g->second.pasid_array.find(h.pasid);
    if (slot != g->second.pasid_array.end() && slot->second.handle == h.id) {
      g->second.pasid_array.erase(slot);
    }
  }
  Mm& mm = mms_[h.mm];
  Domain* d = FindDomainMut(h.domain);
  if (d != nullptr && --d->sva_users == 0) {
    for (InstanceId i : d->instances) mm.sva_domains.erase(i);
    domains_.erase(h.domain);
  }
  MaybeDropMmPasid(mm);
}

// R-SVA-009: pasid_lifetime=mm_exit: an address space's PASID is freed once it has exited and
// its last bind is gone [mm_pasid_drop, v6.12-v7.0]; last_unbind: once its last bind is gone,
// exit or not [io_mm_put, RFC 2018]. A freed PASID can be handed out again.
void System::MaybeDropMmPasid(Mm& mm) {
  if (mm.pasid == 0) return;
  for (const auto& [_, h] : sva_handles_) {
    if (h.refcount > 0 && h.mm == mm.id) return;
  }
  if (knobs_.pasid_lifetime == PasidLifetime::kLastUnbind || mm.exited) {
    pasids_.Release(mm.pasid);
    mm.pasid = 0;
  }
}

// R-SVA-010: address-space exit: under rfc2018 every bond of the address space is detached at
// exit [iommu_notifier_release, RFC 2018]; in the other forms binds stay until unbound, the SVA
// domain holding the mm [iommu_sva_bind_device, v6.12-v7.0]; either way the PASID then follows
// R-SVA-009. Exiting an unknown address space records the exit and succeeds.
Errno System::MmExit(MmId mm_id) {
  if (mm_id == 0) return Errno::kEINVAL;
  Mm& mm = mms_[mm_id];
  mm.id = mm_id;
  mm.exited = true;
  if (knobs_.sva_init == SvaInit::kRfc2018) {
    for (auto& [_, h] : sva_handles_) {
      if (h.refcount > 0 && h.mm == mm_id) ReleaseSvaHandle(h);
    }
  }
  MaybeDropMmPasid(mm);
  return Errno::kOk;
}

// R-SVA-017: a live handle's PASID is its address space's PASID; a released or unknown handle
// gives -ENOENT [iommu_sva_get_pasid, v6.12-v7.0; decision for released handles].
Ret<uint32_t> System::SvaGetPasid(SvaHandleId id) const {
  auto it = sva_handles_.find(id);
  if (it == sva_handles_.end() || it->second.refcount == 0) return {Errno::kENOENT};
  return {Errno::kOk, it->second.pasid};
}

Ret<uint32_t> System::MmPasid(MmId mm) const {
  auto it = mms_.find(mm);
  return {Errno::kOk, it == mms_.end() ? 0 : it->second.pasid};
}

}  // namespace smmuref::model::api
