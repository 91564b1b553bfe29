// The IOMMU API device seam (api_device.h): the model and the fast core behind one interface, and
// the lockstep device that checks a DUT against the model on every operation.
// Tests: tests/conformance/api_lockstep_test.cc, tests/stateful/api_diff_test.cc.
#include "smmuref/conform/api_device.h"

#include "smmuref/model/api/system.h"
#include "smmuref/spec/format.h"
#ifdef SMMUREF_HAVE_IMPL_API
#include "smmuref/impl/api/system.h"
#endif

namespace smmuref::conform {
namespace {

namespace sa = spec::api;
using Errno = sa::Errno;
using Id = ApiDevice::Id;
template <typename T>
using Ret = sa::Ret<T>;

// The one place where the two systems' shapes differ: the model reports a leaf as (start, Leaf).
std::optional<sa::LeafView> ToView(const std::optional<sa::LeafView>& v) { return v; }
std::optional<sa::LeafView> ToView(const std::optional<std::pair<uint64_t, model::api::Leaf>>& v) {
  if (!v) return std::nullopt;
  return sa::LeafView{v->first, v->second.pa, v->second.size, v->second.prot};
}

// Either system behind the seam: both have the same operations with the same signatures.
template <typename System>
class SystemDevice final : public ApiDevice {
 public:
  explicit SystemDevice(std::string name) : name_(std::move(name)) {}
  std::string Name() const override { return name_; }
  Errno SetKnobs(const sa::Knobs& k) override { return s_.SetKnobs(k); }
  sa::Knobs Knobs() override { return s_.knobs(); }
  Ret<Id> RegisterInstance(const sa::InstanceCaps& c) override { return s_.RegisterInstance(c); }
  Errno UnregisterInstance(Id i) override { return s_.UnregisterInstance(i); }
  Ret<Id> ProbeDevice(const sa::DeviceDesc& d) override { return s_.ProbeDevice(d); }
  Errno RemoveDevice(Id d) override { return s_.RemoveDevice(d); }
  Ret<Id> GroupOf(Id d) override { return s_.GroupOf(d); }
  uint64_t DeviceMaxPasids(Id d) override { return s_.DeviceMaxPasids(d); }
  Errno ClaimDmaOwner(Id d, uint64_t o) override { return s_.ClaimDmaOwner(d, o); }
  Errno ReleaseDmaOwner(Id d) override { return s_.ReleaseDmaOwner(d); }
  Errno UseDefaultDomain(Id d) override { return s_.UseDefaultDomain(d); }
  Errno UnuseDefaultDomain(Id d) override { return s_.UnuseDefaultDomain(d); }
  Errno AttachDevice(Id m, Id d) override { return s_.AttachDevice(m, d); }
  Errno AttachGroup(Id m, Id d) override { return s_.AttachGroup(m, d); }
  Errno DetachDevice(Id m, Id d) override { return s_.DetachDevice(m, d); }
  Errno DetachGroup(Id m, Id d) override { return s_.DetachGroup(m, d); }
  Errno ReplaceGroupDomain(Id m, Id d) override { return s_.ReplaceGroupDomain(m, d); }
  Ret<Id> CurrentDomain(Id d) override { return s_.CurrentDomain(d); }
  Ret<Id> DefaultDomain(Id d) override { return s_.DefaultDomain(d); }
  Ret<Id> AllocPagingDomain(std::optional<Id> d) override { return s_.AllocPagingDomain(d); }
  Ret<Id> AllocStaticDomain(Id d, sa::DomainType t) override { return s_.AllocStaticDomain(d, t); }
  Errno FreeDomain(Id m) override { return s_.FreeDomain(m); }
  Errno Map(Id m, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot) override {
    return s_.Map(m, iova, pa, size, prot);
  }
  Ret<uint64_t> Unmap(Id m, uint64_t iova, uint64_t size, Errno* why) override {
    return s_.Unmap(m, iova, size, why);
  }
  uint64_t IovaToPhys(Id m, uint64_t iova) override { return s_.IovaToPhys(m, iova); }
  std::optional<sa::LeafView> LeafAt(Id m, uint64_t iova) override {
    return ToView(s_.LeafAt(m, iova));
  }
  Ret<bool> CheckAccess(Id m, uint64_t iova, const sa::Access& a) override {
    return s_.CheckAccess(m, iova, a);
  }
  Ret<bool> WalkerNeedsClean(Id m) override { return s_.WalkerNeedsClean(m); }
  Ret<uint32_t> AllocGlobalPasid(Id d, std::optional<uint32_t> p) override {
    return s_.AllocGlobalPasid(d, p);
  }
  Errno FreeGlobalPasid(uint32_t p) override { return s_.FreeGlobalPasid(p); }
  Errno AttachDevicePasid(Id m, Id d, uint32_t p) override { return s_.AttachDevicePasid(m, d, p); }
  Errno ReplaceDevicePasid(Id m, Id d, uint32_t p) override {
    return s_.ReplaceDevicePasid(m, d, p);
  }
  Errno DetachDevicePasid(Id m, Id d, uint32_t p) override { return s_.DetachDevicePasid(m, d, p); }
  Ret<Id> DomainForPasid(Id d, uint32_t p) override { return s_.DomainForPasid(d, p); }
  bool PasidAllocated(uint32_t p) override { return s_.PasidAllocated(p); }
  Errno EnableFeature(Id d, sa::Feature f) override { return s_.EnableFeature(d, f); }
  Errno DisableFeature(Id d, sa::Feature f) override { return s_.DisableFeature(d, f); }
  Errno SvaDeviceInit(Id d, uint32_t f, uint32_t lo, uint32_t hi) override {
    return s_.SvaDeviceInit(d, f, lo, hi);
  }
  Errno SvaDeviceShutdown(Id d) override { return s_.SvaDeviceShutdown(d); }
  Ret<sa::SvaBinding> SvaBind(Id d, Id mm, std::optional<uint32_t> p) override {
    return s_.SvaBind(d, mm, p);
  }
  Errno SvaUnbind(Id h) override { return s_.SvaUnbind(h); }
  Ret<uint32_t> SvaGetPasid(Id h) override { return s_.SvaGetPasid(h); }
  Errno MmExit(Id mm) override { return s_.MmExit(mm); }
  Ret<uint32_t> MmPasid(Id mm) override { return s_.MmPasid(mm); }
  Ret<uint32_t> AuxAttach(Id m, Id d, std::optional<uint32_t> p) override {
    return s_.AuxAttach(m, d, p);
  }
  Errno AuxDetach(Id m, Id d) override { return s_.AuxDetach(m, d); }
  Ret<uint32_t> AuxGetPasid(Id m, Id d) override { return s_.AuxGetPasid(m, d); }
  Ret<bool> AuxPathEnabled(Id d) override { return s_.AuxPathEnabled(d); }
  Errno DmaSetMask(Id d, uint64_t m, uint64_t c) override { return s_.DmaSetMask(d, m, c); }
  Ret<sa::DmaMapping> DmaMap(Id d, uint64_t phys, uint64_t size, sa::DmaDir dir,
                             std::optional<uint64_t> p) override {
    return s_.DmaMap(d, phys, size, dir, p);
  }
  Errno DmaUnmap(Id d, uint64_t a, uint64_t size) override { return s_.DmaUnmap(d, a, size); }
  Ret<sa::DmaMapping> DmaAllocCoherent(Id d, uint64_t size, uint64_t phys,
                                       std::optional<uint64_t> p) override {
    return s_.DmaAllocCoherent(d, size, phys, p);
  }
  Errno DmaFreeCoherent(Id d, uint64_t size, uint64_t a) override {
    return s_.DmaFreeCoherent(d, size, a);
  }
  Ret<sa::CacheOp> DmaSync(Id d, uint64_t a, uint64_t size, sa::DmaDir dir,
                           sa::SyncFor f) override {
    return s_.DmaSync(d, a, size, dir, f);
  }

 private:
  std::string name_;
  System s_;
};

// Canonical renderings of results: equal renderings are equal results, and a mismatch message
// shows both sides.
std::string Show(Errno e) { return sa::ErrnoName(e); }
std::string Show(bool b) { return b ? "true" : "false"; }
std::string Show(uint32_t v) { return std::to_string(v); }
std::string Show(uint64_t v) { return spec::Hex(v); }
std::string Show(sa::CacheOp op) { return sa::CacheOpName(op); }
std::string Show(const sa::SvaBinding& b) {
  return "handle=" + std::to_string(b.handle) + " pasid=" + std::to_string(b.pasid);
}
std::string Show(const sa::DmaMapping& m) {
  return "handle=" + std::to_string(m.handle) + " iova=" + spec::Hex(m.dma_addr);
}
std::string Show(const std::optional<sa::LeafView>& v) {
  if (!v) return "none";
  return "leaf at " + spec::Hex(v->start) + " pa=" + spec::Hex(v->pa) +
         " size=" + spec::Hex(v->size) + " prot=" + spec::Hex(v->prot);
}
template <typename T>
std::string Show(const Ret<T>& r) {
  return r.ok() ? "0 " + Show(r.value) : sa::ErrnoName(r.err);
}

// The DUT and the model on every operation. Determined results must be equal; a choice the DUT
// made (no proposal given, DUT succeeded) is proposed to the model, which must accept it
// (R-API-007: BADCHOICE otherwise) and then holds the same state. The DUT's result is returned,
// so that a vector's expectations judge the DUT.
class Lockstep final : public ApiDevice {
 public:
  Lockstep(std::unique_ptr<ApiDevice> model, std::unique_ptr<ApiDevice> dut)
      : m_(std::move(model)), d_(std::move(dut)) {}
  std::string Name() const override { return d_->Name(); }
  std::vector<std::string> TakeMismatches() override { return std::move(mismatches_); }

  Errno SetKnobs(const sa::Knobs& k) override { return Both("knobs", &ApiDevice::SetKnobs, k); }
  sa::Knobs Knobs() override { return m_->Knobs(); }
  Ret<Id> RegisterInstance(const sa::InstanceCaps& c) override {
    return Both("instance", &ApiDevice::RegisterInstance, c);
  }
  Errno UnregisterInstance(Id i) override {
    return Both("instance.remove", &ApiDevice::UnregisterInstance, i);
  }
  Ret<Id> ProbeDevice(const sa::DeviceDesc& d) override {
    return Both("device", &ApiDevice::ProbeDevice, d);
  }
  Errno RemoveDevice(Id d) override { return Both("device.remove", &ApiDevice::RemoveDevice, d); }
  Ret<Id> GroupOf(Id d) override { return Both("group_of", &ApiDevice::GroupOf, d); }
  uint64_t DeviceMaxPasids(Id d) override {
    return Both("max_pasids", &ApiDevice::DeviceMaxPasids, d);
  }
  Errno ClaimDmaOwner(Id d, uint64_t o) override {
    return Both("owner.claim", &ApiDevice::ClaimDmaOwner, d, o);
  }
  Errno ReleaseDmaOwner(Id d) override {
    return Both("owner.release", &ApiDevice::ReleaseDmaOwner, d);
  }
  Errno UseDefaultDomain(Id d) override {
    return Both("owner.use_default", &ApiDevice::UseDefaultDomain, d);
  }
  Errno UnuseDefaultDomain(Id d) override {
    return Both("owner.unuse_default", &ApiDevice::UnuseDefaultDomain, d);
  }
  Errno AttachDevice(Id m, Id d) override { return Both("attach", &ApiDevice::AttachDevice, m, d); }
  Errno AttachGroup(Id m, Id d) override {
    return Both("attach_group", &ApiDevice::AttachGroup, m, d);
  }
  Errno DetachDevice(Id m, Id d) override { return Both("detach", &ApiDevice::DetachDevice, m, d); }
  Errno DetachGroup(Id m, Id d) override {
    return Both("detach_group", &ApiDevice::DetachGroup, m, d);
  }
  Errno ReplaceGroupDomain(Id m, Id d) override {
    return Both("replace", &ApiDevice::ReplaceGroupDomain, m, d);
  }
  Ret<Id> CurrentDomain(Id d) override {
    return Both("current_domain", &ApiDevice::CurrentDomain, d);
  }
  Ret<Id> DefaultDomain(Id d) override {
    return Both("default_domain", &ApiDevice::DefaultDomain, d);
  }
  Ret<Id> AllocPagingDomain(std::optional<Id> d) override {
    return Both("domain.alloc paging", &ApiDevice::AllocPagingDomain, d);
  }
  Ret<Id> AllocStaticDomain(Id d, sa::DomainType t) override {
    return Both("domain.alloc static", &ApiDevice::AllocStaticDomain, d, t);
  }
  Errno FreeDomain(Id m) override { return Both("domain.free", &ApiDevice::FreeDomain, m); }
  Errno Map(Id m, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot) override {
    return Both("map", &ApiDevice::Map, m, iova, pa, size, prot);
  }
  Ret<uint64_t> Unmap(Id m, uint64_t iova, uint64_t size, Errno* why) override {
    Errno dw = Errno::kOk, mw = Errno::kOk;
    const Ret<uint64_t> d = d_->Unmap(m, iova, size, &dw);
    const Ret<uint64_t> r = m_->Unmap(m, iova, size, &mw);
    Compare("unmap", Show(d) + " why=" + Show(dw), Show(r) + " why=" + Show(mw));
    if (why != nullptr) *why = dw;
    return d;
  }
  uint64_t IovaToPhys(Id m, uint64_t iova) override {
    return Both("iova_to_phys", &ApiDevice::IovaToPhys, m, iova);
  }
  std::optional<sa::LeafView> LeafAt(Id m, uint64_t iova) override {
    return Both("leaf", &ApiDevice::LeafAt, m, iova);
  }
  Ret<bool> CheckAccess(Id m, uint64_t iova, const sa::Access& a) override {
    return Both("access", &ApiDevice::CheckAccess, m, iova, a);
  }
  Ret<bool> WalkerNeedsClean(Id m) override {
    return Both("walker_clean", &ApiDevice::WalkerNeedsClean, m);
  }
  Ret<uint32_t> AllocGlobalPasid(Id d, std::optional<uint32_t> p) override {
    const Ret<uint32_t> got = d_->AllocGlobalPasid(d, p);
    const std::optional<uint32_t> adopted = p || !got.ok() ? p : got.value;
    const Ret<uint32_t> want = m_->AllocGlobalPasid(d, adopted);
    Judge("pasid.alloc", got, want, adopted && !p, "PASID " + std::to_string(got.value));
    return got;
  }
  Errno FreeGlobalPasid(uint32_t p) override {
    return Both("pasid.free", &ApiDevice::FreeGlobalPasid, p);
  }
  Errno AttachDevicePasid(Id m, Id d, uint32_t p) override {
    return Both("pasid.attach", &ApiDevice::AttachDevicePasid, m, d, p);
  }
  Errno ReplaceDevicePasid(Id m, Id d, uint32_t p) override {
    return Both("pasid.replace", &ApiDevice::ReplaceDevicePasid, m, d, p);
  }
  Errno DetachDevicePasid(Id m, Id d, uint32_t p) override {
    return Both("pasid.detach", &ApiDevice::DetachDevicePasid, m, d, p);
  }
  Ret<Id> DomainForPasid(Id d, uint32_t p) override {
    return Both("pasid.domain", &ApiDevice::DomainForPasid, d, p);
  }
  bool PasidAllocated(uint32_t p) override {
    return Both("pasid_allocated", &ApiDevice::PasidAllocated, p);
  }
  Errno EnableFeature(Id d, sa::Feature f) override {
    return Both("feature.enable", &ApiDevice::EnableFeature, d, f);
  }
  Errno DisableFeature(Id d, sa::Feature f) override {
    return Both("feature.disable", &ApiDevice::DisableFeature, d, f);
  }
  Errno SvaDeviceInit(Id d, uint32_t f, uint32_t lo, uint32_t hi) override {
    return Both("sva.init", &ApiDevice::SvaDeviceInit, d, f, lo, hi);
  }
  Errno SvaDeviceShutdown(Id d) override {
    return Both("sva.shutdown", &ApiDevice::SvaDeviceShutdown, d);
  }
  Ret<sa::SvaBinding> SvaBind(Id d, Id mm, std::optional<uint32_t> p) override {
    const Ret<sa::SvaBinding> got = d_->SvaBind(d, mm, p);
    const std::optional<uint32_t> adopted = p || !got.ok() ? p : got.value.pasid;
    const Ret<sa::SvaBinding> want = m_->SvaBind(d, mm, adopted);
    Judge("sva.bind", got, want, adopted && !p, "PASID " + std::to_string(got.value.pasid));
    return got;
  }
  Errno SvaUnbind(Id h) override { return Both("sva.unbind", &ApiDevice::SvaUnbind, h); }
  Ret<uint32_t> SvaGetPasid(Id h) override { return Both("sva.pasid", &ApiDevice::SvaGetPasid, h); }
  Errno MmExit(Id mm) override { return Both("mm.exit", &ApiDevice::MmExit, mm); }
  Ret<uint32_t> MmPasid(Id mm) override { return Both("mm_pasid", &ApiDevice::MmPasid, mm); }
  Ret<uint32_t> AuxAttach(Id m, Id d, std::optional<uint32_t> p) override {
    const Ret<uint32_t> got = d_->AuxAttach(m, d, p);
    const std::optional<uint32_t> adopted = p || !got.ok() ? p : got.value;
    const Ret<uint32_t> want = m_->AuxAttach(m, d, adopted);
    Judge("aux.attach", got, want, adopted && !p, "PASID " + std::to_string(got.value));
    return got;
  }
  Errno AuxDetach(Id m, Id d) override { return Both("aux.detach", &ApiDevice::AuxDetach, m, d); }
  Ret<uint32_t> AuxGetPasid(Id m, Id d) override {
    return Both("aux.pasid", &ApiDevice::AuxGetPasid, m, d);
  }
  Ret<bool> AuxPathEnabled(Id d) override {
    return Both("aux_path", &ApiDevice::AuxPathEnabled, d);
  }
  Errno DmaSetMask(Id d, uint64_t m, uint64_t c) override {
    return Both("dma.mask", &ApiDevice::DmaSetMask, d, m, c);
  }
  Ret<sa::DmaMapping> DmaMap(Id d, uint64_t phys, uint64_t size, sa::DmaDir dir,
                             std::optional<uint64_t> p) override {
    const Ret<sa::DmaMapping> got = d_->DmaMap(d, phys, size, dir, p);
    const std::optional<uint64_t> adopted = p || !got.ok() ? p : got.value.dma_addr;
    const Ret<sa::DmaMapping> want = m_->DmaMap(d, phys, size, dir, adopted);
    Judge("dma.map", got, want, adopted && !p, "IOVA " + spec::Hex(got.value.dma_addr));
    return got;
  }
  Errno DmaUnmap(Id d, uint64_t a, uint64_t size) override {
    return Both("dma.unmap", &ApiDevice::DmaUnmap, d, a, size);
  }
  Ret<sa::DmaMapping> DmaAllocCoherent(Id d, uint64_t size, uint64_t phys,
                                       std::optional<uint64_t> p) override {
    const Ret<sa::DmaMapping> got = d_->DmaAllocCoherent(d, size, phys, p);
    const std::optional<uint64_t> adopted = p || !got.ok() ? p : got.value.dma_addr;
    const Ret<sa::DmaMapping> want = m_->DmaAllocCoherent(d, size, phys, adopted);
    Judge("dma.alloc", got, want, adopted && !p, "IOVA " + spec::Hex(got.value.dma_addr));
    return got;
  }
  Errno DmaFreeCoherent(Id d, uint64_t size, uint64_t a) override {
    return Both("dma.free", &ApiDevice::DmaFreeCoherent, d, size, a);
  }
  Ret<sa::CacheOp> DmaSync(Id d, uint64_t a, uint64_t size, sa::DmaDir dir,
                           sa::SyncFor f) override {
    return Both("dma.sync", &ApiDevice::DmaSync, d, a, size, dir, f);
  }

 private:
  template <typename R, typename... Params, typename... Args>
  R Both(const char* op, R (ApiDevice::*fn)(Params...), const Args&... args) {
    R got = (d_.get()->*fn)(args...);
    const R want = (m_.get()->*fn)(args...);
    Compare(op, Show(got), Show(want));
    return got;
  }

  void Compare(const char* op, const std::string& got, const std::string& want) {
    if (got == want) return;
    mismatches_.push_back(std::string("api ") + op + ": " + d_->Name() + " gave " + got +
                          ", the model " + want);
  }

  // `chosen`: the DUT chose the value it returned (no proposal was given) and the model was asked
  // to adopt it.
  template <typename T>
  void Judge(const char* op, const Ret<T>& got, const Ret<T>& want, bool chosen,
             const std::string& choice) {
    if (chosen && want.err == Errno::kBadChoice) {
      mismatches_.push_back(std::string("api ") + op + ": " + d_->Name() + " chose " + choice +
                            ", which the model does not allow (R-API-007)");
      return;
    }
    Compare(op, Show(got), Show(want));
  }

  std::unique_ptr<ApiDevice> m_, d_;
  std::vector<std::string> mismatches_;
};

}  // namespace

std::unique_ptr<ApiDevice> MakeModelApiDevice() {
  return std::make_unique<SystemDevice<model::api::System>>("model");
}

std::unique_ptr<ApiDevice> MakeApiDut(const std::string& dut) {
#ifdef SMMUREF_HAVE_IMPL_API
  if (dut == "impl") return std::make_unique<SystemDevice<impl::api::System>>("impl");
#endif
  (void)dut;
  return nullptr;
}

std::unique_ptr<ApiDevice> MakeApiLockstep(std::unique_ptr<ApiDevice> model,
                                           std::unique_ptr<ApiDevice> dut) {
  return std::make_unique<Lockstep>(std::move(model), std::move(dut));
}

std::string ApiDeviceName(const std::string& dut) { return MakeApiDut(dut) ? dut : "model"; }

}  // namespace smmuref::conform
