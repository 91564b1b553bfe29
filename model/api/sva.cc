// Device features and shared virtual addressing: refcounted bind handles, one PASID per address
// space shared across devices, unbind, address-space exit, the PASID lifetime and SVA init
// knobs. Tests: tests/model/api/sva_test.cc, corpus/vectors/api/sva_*.vec.
#include "smmuref/model/api/sva.h"

#include <algorithm>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

const char* FeatureName(Feature f) {
  switch (f) {
    case Feature::kSva: return "sva";
    case Feature::kIopf: return "iopf";
    case Feature::kAux: return "aux";
  }
  return "?";
}

// R-SVA-018: enabling a feature the instance lacks gives -EINVAL, enabling it twice -EBUSY
// [V3-OLD arm_smmu_dev_enable_feature]; aux follows R-AUX-001/R-AUX-002.
Errno System::EnableFeature(DeviceId id, Feature f) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  Device& dev = devices_[id];
  const InstanceCaps& caps = instances_[dev.desc.instance].caps;
  if (f == Feature::kAux) {
    // R-AUX-001: with aux_domains=off there is no aux support: -ENODEV [core: no driver op].
    if (!knobs_.aux_domains) return Errno::kENODEV;
    if (!caps.aux || DeviceMaxPasids(id) == 0) return Errno::kEINVAL;
    dev.feat_aux = true;  // enabling again is a no-op success [seed 003 variant]
    return Errno::kOk;
  }
  bool& flag = f == Feature::kSva ? dev.feat_sva : dev.feat_iopf;
  const bool supported = f == Feature::kSva ? caps.sva && DeviceMaxPasids(id) != 0 : caps.iopf;
  if (!supported) return Errno::kEINVAL;
  if (flag) return Errno::kEBUSY;
  flag = true;
  return Errno::kOk;
}

// R-SVA-019: disabling a feature that is not enabled gives -EINVAL; disabling SVA while the
// device has binds, or (R-AUX-009) aux while it has aux domains, gives -EBUSY [V3-OLD; seed 003
// variant].
Errno System::DisableFeature(DeviceId id, Feature f) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  Device& dev = devices_[id];
  bool& flag = f == Feature::kSva ? dev.feat_sva : f == Feature::kIopf ? dev.feat_iopf
                                                                       : dev.feat_aux;
  if (!flag) return Errno::kEINVAL;
  if (f == Feature::kAux && !dev.aux_domains.empty()) return Errno::kEBUSY;
  if (f == Feature::kSva) {
    for (const auto& [_, h] : sva_handles_) {
      if (h.refcount > 0 && h.device == id) return Errno::kEBUSY;
    }
  }
  flag = false;
  return Errno::kOk;
}

// R-SVA-011: sva_init=rfc2018: iommu_sva_device_init(dev, features, min, max) needs an instance
// with SVA (-ENODEV), features within {IOPF} supported by the instance and a PASID-capable device
// (-EINVAL), and a first call (-EEXIST); it clamps min up to min_pasid and max (0 = 0xFFFFF) down
// to max_pasids - 1, -EINVAL if empty [S-RFC]. Other sva_init values give -EOPNOTSUPP.
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

// R-SVA-020: shutdown needs a prior init (-ENODEV) and unbinds every bond of the device [S-RFC].
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

// R-SVA-001: bind needs: a live address space (-EINVAL after exit [decision]); under rfc2018 a
// prior sva_device_init (-EINVAL), under feature the SVA feature enabled (-ENODEV); a device with
// PASIDs and an instance with SVA (-EOPNOTSUPP) [S-RFC; V3-OLD; S-62].
Errno System::SvaBindChecks(const Device& dev, Mm& mm) const {
  if (mm.exited) return Errno::kEINVAL;
  if (knobs_.sva_init == SvaInit::kRfc2018 && !dev.sva_param) return Errno::kEINVAL;
  if (knobs_.sva_init == SvaInit::kFeature && !dev.feat_sva) return Errno::kENODEV;
  if (DeviceMaxPasids(dev.id) == 0) return Errno::kEOPNOTSUPP;
  if (!FindInstance(dev.desc.instance)->caps.sva) return Errno::kEOPNOTSUPP;
  return Errno::kOk;
}

// R-SVA-004: an address space has one PASID for all devices: the first bind allocates it (lowest
// free in the device's range, or a proposed value checked as in R-PASID-012), later binds reuse
// it. R-SVA-005: a reused PASID above the device's range gives -EOVERFLOW (modern) [S-65] or
// outside [min, max] -ERANGE (rfc2018) [S-RFC]; a reused PASID below the device's floor gives
// -EINVAL [decision]. A proposal other than the address space's PASID is BADCHOICE.
Ret<uint32_t> System::SvaChoosePasid(const Device& dev, Mm& mm, std::optional<uint32_t> proposed) {
  const bool rfc = knobs_.sva_init == SvaInit::kRfc2018;
  uint32_t lo = 0, hi = 0;
  if (rfc) {
    lo = dev.sva_min, hi = dev.sva_max;
  } else if (!PasidRange(dev, &lo, &hi)) {
    return {Errno::kEOPNOTSUPP};
  }
  if (mm.pasid != 0) {
    if (rfc && (mm.pasid < lo || mm.pasid > hi)) return {Errno::kERANGE};
    if (mm.pasid > hi) return {Errno::kEOVERFLOW};
    if (mm.pasid < lo) return {Errno::kEINVAL};
    if (proposed && *proposed != mm.pasid) return {Errno::kBadChoice};
    return {Errno::kOk, mm.pasid};
  }
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
  pasids_.Take(pasid, PasidOwner{PasidOwnerKind::kMm, mm.id});
  mm.pasid = pasid;
  return {Errno::kOk, pasid};
}

Ret<SvaBinding> System::SvaBind(DeviceId id, MmId mm_id, std::optional<uint32_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  if (mm_id == 0) return {Errno::kEINVAL};
  Mm& mm = mms_[mm_id];
  mm.id = mm_id;
  const Device& dev = devices_[id];
  if (Errno e = SvaBindChecks(dev, mm); e != Errno::kOk) return {e};
  Ret<uint32_t> pasid = SvaChoosePasid(dev, mm, proposed);
  if (!pasid.ok()) return {pasid.err};
  Group& g = *GroupOfDevice(id);
  auto slot = g.pasid_array.find(pasid.value);
  if (slot != g.pasid_array.end()) {
    SvaHandle* h = slot->second.use == PasidUse::kSva ? &sva_handles_[slot->second.handle]
                                                      : nullptr;
    // R-SVA-007: the PASID slot held by anything other than this address space's SVA handle
    // gives -EBUSY [C-NEW iommu_attach_handle_get].
    if (h == nullptr || h->mm != mm_id) return MaybeDropMmPasid(mm), Ret<SvaBinding>{Errno::kEBUSY};
    // R-SVA-006: binding the same address space again on the group returns the same handle with
    // one more reference (modern) [65d4418c5002]; R-SVA-013: under rfc2018 it returns the same
    // bond and PASID without a reference [S-RFC].
    if (knobs_.sva_init != SvaInit::kRfc2018) ++h->refcount;
    return {Errno::kOk, SvaBinding{h->id, h->pasid}};
  }
  if (Errno e = CheckPasidForGroup(g, pasid.value); e != Errno::kOk) {
    MaybeDropMmPasid(mm);
    return {e};
  }
  // R-SVA-016: an address space has at most one SVA domain per instance, shared by every device
  // of that instance bound to it [S-67 sva_domains; V3 one instance per SVA domain].
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
// slot is emptied and the SVA domain loses a user, freed at none [C-NEW iommu_sva_unbind_device].
// R-SVA-014: unbinding a released handle gives -ESRCH under rfc2018 [S-RFC] and is a contract
// violation otherwise (reference underflow); an unknown handle gives -ENOENT.
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
// its last bind is gone [S-67 mm_pasid_drop]; last_unbind: once its last bind is gone, exit or
// not [S-RFC io_mm lifetime]. A freed PASID can be handed out again.
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
// exit [S-RFC mm_exit]; in the modern forms binds stay until unbound (the domain holds the mm)
// [S-67]; either way the PASID then follows R-SVA-009. Exiting an unknown address space records
// the exit and succeeds.
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
// gives -ENOENT [C-NEW iommu_sva_get_pasid].
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
