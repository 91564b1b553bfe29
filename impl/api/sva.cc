// The fast core's device features, shared virtual addressing and aux domains (R-SVA-*, R-AUX-*):
// one PASID per address space, refcounted bind handles, unbind, address-space exit, the 2018 RFC
// init, aux attach with its one PASID per domain. Same results as model/api (feature.cc, sva.cc,
// aux.cc). Tests: tests/stateful/api_diff_test.cc, corpus/vectors/api/sva*.vec, aux*.vec.
#include <algorithm>

#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {

bool System::IopfCapable(const Device& dev) const {
  return instances_.at(dev.desc.instance).caps.iopf && dev.desc.sids.size() == 1;
}

// R-SVA-018, R-AUX-001.
Errno System::EnableFeature(DeviceId id, Feature f) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  Device& dev = devices_.at(id);
  const InstanceCaps& caps = instances_.at(dev.desc.instance).caps;
  const bool no_calls = knobs_.sva_init == SvaInit::kModern;
  switch (f) {
    case Feature::kAux:
      if (!knobs_.aux_domains) return no_calls ? Errno::kENODEV : Errno::kEINVAL;
      if (!caps.aux || DeviceMaxPasids(id) == 0) return Errno::kEINVAL;
      dev.feat_aux = true;
      return Errno::kOk;
    case Feature::kIopf:
      if (no_calls) return Errno::kENODEV;
      if (!IopfCapable(dev)) return Errno::kEINVAL;
      if (dev.feat_iopf) return Errno::kEBUSY;
      dev.feat_iopf = true;
      return Errno::kOk;
    case Feature::kSva:
      if (no_calls) return Errno::kENODEV;
      if (!caps.sva || std::min(dev.desc.pasid_bits, caps.pasid_bits) == 0) return Errno::kEINVAL;
      if (dev.feat_sva) return Errno::kEBUSY;
      if (IopfCapable(dev) && !dev.feat_iopf) return Errno::kEINVAL;
      dev.feat_sva = true;
      return Errno::kOk;
  }
  return Errno::kEINVAL;
}

// R-SVA-019, R-AUX-009.
Errno System::DisableFeature(DeviceId id, Feature f) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  Device& dev = devices_.at(id);
  if (f != Feature::kAux && knobs_.sva_init == SvaInit::kModern) return Errno::kEBUSY;
  bool& on = f == Feature::kSva ? dev.feat_sva : f == Feature::kIopf ? dev.feat_iopf : dev.feat_aux;
  if (!on) return Errno::kEINVAL;
  if (f == Feature::kAux && !dev.aux.empty()) return Errno::kEBUSY;
  if (f == Feature::kIopf && dev.feat_sva) return Errno::kEBUSY;
  if (f == Feature::kSva && knobs_.sva_init == SvaInit::kFeature) {
    for (const auto& [_, h] : sva_) {
      if (h.refs != 0 && h.device == id) return Errno::kEBUSY;
    }
  }
  on = false;
  return Errno::kOk;
}

// R-SVA-011.
Errno System::SvaDeviceInit(DeviceId id, uint32_t features, uint32_t min, uint32_t max) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  if (knobs_.sva_init != SvaInit::kRfc2018) return Errno::kEOPNOTSUPP;
  Device& dev = devices_.at(id);
  const InstanceCaps& caps = instances_.at(dev.desc.instance).caps;
  if (!caps.sva) return Errno::kENODEV;
  if ((features & ~1u) != 0 || ((features & 1u) != 0 && !caps.iopf)) return Errno::kEINVAL;
  const uint64_t count = DeviceMaxPasids(id);
  if (count == 0) return Errno::kEINVAL;
  if (dev.sva_param) return Errno::kEEXIST;
  const uint32_t lo = std::max(min, MinPasid(dev.desc.instance));
  const uint64_t hi = std::min<uint64_t>(max == 0 ? 0xFFFFF : max, count - 1);
  if (lo > hi) return Errno::kEINVAL;
  dev.sva_param = true;
  dev.sva_min = lo;
  dev.sva_max = static_cast<uint32_t>(hi);
  return Errno::kOk;
}

// R-SVA-020.
Errno System::SvaDeviceShutdown(DeviceId id) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  if (knobs_.sva_init != SvaInit::kRfc2018) return Errno::kEOPNOTSUPP;
  Device& dev = devices_.at(id);
  if (!dev.sva_param) return Errno::kENODEV;
  for (auto& [hid, h] : sva_) {
    if (h.refs != 0 && h.device == id) Release(hid, h);
  }
  dev.sva_param = false;
  return Errno::kOk;
}

// R-SVA-004, R-SVA-005: the address space's PASID, reused or taken now.
Ret<uint32_t> System::MmPasidFor(DeviceId id, Mm& mm, std::optional<uint32_t> proposed) {
  const Device& dev = devices_.at(id);
  const bool rfc = knobs_.sva_init == SvaInit::kRfc2018;
  const uint64_t count = DeviceMaxPasids(id);
  const uint32_t lo = rfc ? dev.sva_min : MinPasid(dev.desc.instance);
  const uint32_t hi = rfc ? dev.sva_max : static_cast<uint32_t>(count == 0 ? 0 : count - 1);
  if (mm.pasid != 0) {
    if (rfc && (mm.pasid < lo || mm.pasid > hi)) return {Errno::kERANGE};
    if (mm.pasid >= count) return {Errno::kEOVERFLOW};
    if (mm.pasid < lo) return {Errno::kEINVAL};
    if (proposed && *proposed != mm.pasid) return {Errno::kBadChoice};
    return {Errno::kOk, mm.pasid};
  }
  if (count == 0) return {Errno::kENOSPC};
  const Ret<uint32_t> taken = TakePasid(lo, hi, proposed, /*driver=*/false);
  if (taken.ok()) mm.pasid = taken.value;
  return taken;
}

// R-SVA-001, R-SVA-006, R-SVA-007, R-SVA-013, R-SVA-016.
Ret<SvaBinding> System::SvaBind(DeviceId id, MmId mm_id, std::optional<uint32_t> proposed) {
  if (Errno e = Live(id); e != Errno::kOk) return {e};
  if (mm_id == 0) return {Errno::kEINVAL};
  Mm& mm = mms_[mm_id];
  const Device& dev = devices_.at(id);
  const bool rfc = knobs_.sva_init == SvaInit::kRfc2018;
  if (mm.exited || (rfc && !dev.sva_param)) return {Errno::kEINVAL};
  const Ret<uint32_t> pasid = MmPasidFor(id, mm, proposed);
  if (!pasid.ok()) return {pasid.err};
  Group& g = GroupFor(id);
  if (auto slot = g.slots.find(pasid.value); slot != g.slots.end()) {
    auto h = slot->second.use == SlotUse::kSva ? sva_.find(slot->second.handle) : sva_.end();
    if (h == sva_.end() || h->second.mm != mm_id) {
      DropMmPasid(mm);
      return {Errno::kEBUSY};
    }
    if (!rfc) ++h->second.refs;
    return {Errno::kOk, SvaBinding{h->first, h->second.pasid}};
  }
  const InstanceCaps& caps = instances_.at(dev.desc.instance).caps;
  Errno e = Errno::kOk;
  if (knobs_.sva_init == SvaInit::kModern && !caps.sva) e = Errno::kEOPNOTSUPP;
  if (e == Errno::kOk) e = PasidFitsGroup(g, pasid.value);
  if (e == Errno::kOk && knobs_.sva_init == SvaInit::kFeature && !dev.feat_sva) {
    e = Errno::kENODEV;
  }
  if (e != Errno::kOk) {
    DropMmPasid(mm);
    return {e};
  }
  const InstanceId inst = dev.desc.instance;
  auto shared = mm.sva_domains.find(inst);
  DomainId dom = 0;
  if (shared != mm.sva_domains.end()) {
    dom = shared->second;
  } else {
    dom = MakeDomain(DomainType::kSva);
    domains_.at(dom).instances = {inst};
    mm.sva_domains[inst] = dom;
  }
  ++domains_.at(dom).sva_users;
  const SvaHandleId hid = next_id_++;
  sva_[hid] = SvaHandle{id, dev.group, mm_id, pasid.value, 1, dom};
  ++mm.live_handles;
  g.slots[pasid.value] = Slot{dom, SlotUse::kSva, hid};
  return {Errno::kOk, SvaBinding{hid, pasid.value}};
}

// R-SVA-008, R-SVA-014.
Errno System::SvaUnbind(SvaHandleId id) {
  auto it = sva_.find(id);
  if (it == sva_.end()) return Errno::kENOENT;
  SvaHandle& h = it->second;
  const bool rfc = knobs_.sva_init == SvaInit::kRfc2018;
  if (h.refs == 0) return rfc ? Errno::kESRCH : Errno::kContractViolation;
  if (rfc || --h.refs == 0) Release(id, h);
  return Errno::kOk;
}

void System::Release(SvaHandleId id, SvaHandle& h) {
  h.refs = 0;
  if (auto g = groups_.find(h.group); g != groups_.end()) {
    auto slot = g->second.slots.find(h.pasid);
    if (slot != g->second.slots.end() && slot->second.handle == id) g->second.slots.erase(slot);
  }
  Mm& mm = mms_[h.mm];
  --mm.live_handles;
  if (Domain* d = Dom(h.domain); d != nullptr && --d->sva_users == 0) {
    for (InstanceId i : d->instances) mm.sva_domains.erase(i);
    domains_.erase(h.domain);
  }
  DropMmPasid(mm);
}

// R-SVA-009.
void System::DropMmPasid(Mm& mm) {
  if (mm.pasid == 0 || mm.live_handles != 0) return;
  if (knobs_.pasid_lifetime == PasidLifetime::kLastUnbind || mm.exited) {
    pasids_.Clear(mm.pasid);
    mm.pasid = 0;
  }
}

// R-SVA-010.
Errno System::MmExit(MmId mm_id) {
  if (mm_id == 0) return Errno::kEINVAL;
  Mm& mm = mms_[mm_id];
  mm.exited = true;
  if (knobs_.sva_init == SvaInit::kRfc2018) {
    for (auto& [hid, h] : sva_) {
      if (h.refs != 0 && h.mm == mm_id) Release(hid, h);
    }
  }
  DropMmPasid(mm);
  return Errno::kOk;
}

// R-SVA-017.
Ret<uint32_t> System::SvaGetPasid(SvaHandleId id) const {
  auto it = sva_.find(id);
  if (it == sva_.end() || it->second.refs == 0) return {Errno::kENOENT};
  return {Errno::kOk, it->second.pasid};
}

Ret<uint32_t> System::MmPasid(MmId mm) const {
  auto it = mms_.find(mm);
  return {Errno::kOk, it == mms_.end() ? 0 : it->second.pasid};
}

// R-AUX-002, R-AUX-003, R-AUX-010, R-AUX-004.
Ret<uint32_t> System::AuxAttach(DomainId id, DeviceId dev_id, std::optional<uint32_t> proposed) {
  if (Errno e = Live(dev_id); e != Errno::kOk) return {e};
  Domain* d = Dom(id);
  if (d == nullptr) return {Errno::kENOENT};
  Device& dev = devices_.at(dev_id);
  if (!knobs_.aux_domains || !dev.feat_aux) return {Errno::kENODEV};
  const InstanceId inst = dev.desc.instance;
  const bool other_instance =
      !d->instances.empty() && (d->instances.size() != 1 || d->instances[0] != inst);
  if (d->type != DomainType::kUnmanaged || other_instance) return {Errno::kEINVAL};
  for (const auto& [_, g] : groups_) {
    if (g.domain == id) return {Errno::kEBUSY};
  }
  if (std::find(dev.aux.begin(), dev.aux.end(), id) != dev.aux.end()) return {Errno::kEBUSY};
  uint32_t lo = 0, hi = 0;
  if (!DeviceRange(dev_id, &lo, &hi)) return {Errno::kEINVAL};
  uint32_t pasid = d->aux_pasid;
  if (pasid != 0) {
    if (proposed && *proposed != pasid) return {Errno::kBadChoice};
    if (pasid < lo || pasid > hi) return {Errno::kEINVAL};
  } else if (proposed) {
    if (*proposed < lo || *proposed > hi || pasids_.Test(*proposed)) return {Errno::kBadChoice};
    pasid = *proposed;
  } else {
    const std::optional<uint32_t> free = pasids_.FindFirstZero(lo, hi);
    if (!free) return {Errno::kENOSPC};
    pasid = *free;
  }
  Group& g = groups_.at(dev.group);
  if (g.slots.count(pasid) != 0) return {Errno::kEBUSY};
  if (d->aux_pasid == 0) pasids_.Set(pasid, /*driver=*/false);
  if (d->instances.empty()) Finalize(*d, inst);
  d->aux_pasid = pasid;
  ++d->aux_users;
  g.slots[pasid] = Slot{id, SlotUse::kAux, 0};
  dev.aux.push_back(id);
  return {Errno::kOk, pasid};
}

void System::DropAux(Device& dev, Group& g) {
  for (DomainId a : dev.aux) {
    Domain* d = Dom(a);
    if (d == nullptr) continue;
    g.slots.erase(d->aux_pasid);
    if (--d->aux_users == 0) {
      pasids_.Clear(d->aux_pasid);
      d->aux_pasid = 0;
    }
  }
  dev.aux.clear();
}

// R-AUX-008, R-AUX-005.
Errno System::AuxDetach(DomainId id, DeviceId dev_id) {
  if (Errno e = Live(dev_id); e != Errno::kOk) return e;
  Domain* d = Dom(id);
  if (d == nullptr) return Errno::kENOENT;
  Device& dev = devices_.at(dev_id);
  auto it = std::find(dev.aux.begin(), dev.aux.end(), id);
  if (it == dev.aux.end()) return Errno::kContractViolation;
  dev.aux.erase(it);
  groups_.at(dev.group).slots.erase(d->aux_pasid);
  if (--d->aux_users == 0) {
    pasids_.Clear(d->aux_pasid);
    d->aux_pasid = 0;
  }
  return Errno::kOk;
}

// R-AUX-007.
Ret<uint32_t> System::AuxGetPasid(DomainId id, DeviceId dev_id) const {
  if (Errno e = Live(dev_id); e != Errno::kOk) return {e};
  const Domain* d = Dom(id);
  if (d == nullptr) return {Errno::kENOENT};
  const Device& dev = devices_.at(dev_id);
  if (!knobs_.aux_domains || !dev.feat_aux) return {Errno::kENODEV};
  if (std::find(dev.aux.begin(), dev.aux.end(), id) == dev.aux.end()) return {Errno::kEINVAL};
  return {Errno::kOk, d->aux_pasid};
}

Ret<bool> System::AuxPathEnabled(DeviceId id) const {
  if (Errno e = Live(id); e != Errno::kOk) return {e};
  return {Errno::kOk, !devices_.at(id).aux.empty()};
}

}  // namespace smmuref::impl::api
