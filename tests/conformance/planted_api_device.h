// impl/api with planted differences, for tests that show the API differential bites: an
// ApiDevice that forwards every operation to another one, except that iova_to_phys answers one
// byte high and a PASID allocation without a proposal hands out PASID 0 (below min_pasid on
// SMMUv3: an illegal choice). Used by tests/conformance/api_lockstep_test.cc and
// tests/fuzz/api_diff_planted_test.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "smmuref/conform/api_device.h"

namespace smmuref::conform {

class PlantedApiDevice final : public ApiDevice {
 public:
  explicit PlantedApiDevice(std::unique_ptr<ApiDevice> inner) : in_(std::move(inner)) {}
  std::string Name() const override { return "planted"; }
  uint64_t IovaToPhys(Id d, uint64_t iova) override { return in_->IovaToPhys(d, iova) + 1; }
  Ret<uint32_t> AllocGlobalPasid(Id d, std::optional<uint32_t> p) override {
    auto r = in_->AllocGlobalPasid(d, p);
    if (r.ok() && !p) r.value = 0;
    return r;
  }
#define FWD(ret, name, params, args) \
  ret name params override { return in_->name args; }
  FWD(Errno, SetKnobs, (const spec::api::Knobs& k), (k))
  FWD(spec::api::Knobs, Knobs, (), ())
  FWD(Ret<Id>, RegisterInstance, (const spec::api::InstanceCaps& c), (c))
  FWD(Errno, UnregisterInstance, (Id i), (i))
  FWD(Ret<Id>, ProbeDevice, (const spec::api::DeviceDesc& d), (d))
  FWD(Errno, RemoveDevice, (Id d), (d))
  FWD(Ret<Id>, GroupOf, (Id d), (d))
  FWD(uint64_t, DeviceMaxPasids, (Id d), (d))
  FWD(Errno, ClaimDmaOwner, (Id d, uint64_t o), (d, o))
  FWD(Errno, ReleaseDmaOwner, (Id d), (d))
  FWD(Errno, UseDefaultDomain, (Id d), (d))
  FWD(Errno, UnuseDefaultDomain, (Id d), (d))
  FWD(Errno, AttachDevice, (Id m, Id d), (m, d))
  FWD(Errno, AttachGroup, (Id m, Id d), (m, d))
  FWD(Errno, DetachDevice, (Id m, Id d), (m, d))
  FWD(Errno, DetachGroup, (Id m, Id d), (m, d))
  FWD(Errno, ReplaceGroupDomain, (Id m, Id d), (m, d))
  FWD(Ret<Id>, CurrentDomain, (Id d), (d))
  FWD(Ret<Id>, DefaultDomain, (Id d), (d))
  FWD(Ret<Id>, AllocPagingDomain, (std::optional<Id> d), (d))
  FWD(Ret<Id>, AllocStaticDomain, (Id d, spec::api::DomainType t), (d, t))
  FWD(Errno, FreeDomain, (Id m), (m))
  FWD(Errno, Map, (Id m, uint64_t i, uint64_t p, uint64_t s, uint32_t r), (m, i, p, s, r))
  FWD(Ret<uint64_t>, Unmap, (Id m, uint64_t i, uint64_t s, Errno* w), (m, i, s, w))
  FWD(std::optional<spec::api::LeafView>, LeafAt, (Id m, uint64_t i), (m, i))
  FWD(Ret<bool>, CheckAccess, (Id m, uint64_t i, const spec::api::Access& a), (m, i, a))
  FWD(Ret<bool>, WalkerNeedsClean, (Id m), (m))
  FWD(Errno, FreeGlobalPasid, (uint32_t p), (p))
  FWD(Errno, AttachDevicePasid, (Id m, Id d, uint32_t p), (m, d, p))
  FWD(Errno, ReplaceDevicePasid, (Id m, Id d, uint32_t p), (m, d, p))
  FWD(Errno, DetachDevicePasid, (Id m, Id d, uint32_t p), (m, d, p))
  FWD(Ret<Id>, DomainForPasid, (Id d, uint32_t p), (d, p))
  FWD(bool, PasidAllocated, (uint32_t p), (p))
  FWD(Errno, EnableFeature, (Id d, spec::api::Feature f), (d, f))
  FWD(Errno, DisableFeature, (Id d, spec::api::Feature f), (d, f))
  FWD(Errno, SvaDeviceInit, (Id d, uint32_t f, uint32_t l, uint32_t h), (d, f, l, h))
  FWD(Errno, SvaDeviceShutdown, (Id d), (d))
  FWD(Ret<spec::api::SvaBinding>, SvaBind, (Id d, Id mm, std::optional<uint32_t> p), (d, mm, p))
  FWD(Errno, SvaUnbind, (Id h), (h))
  FWD(Ret<uint32_t>, SvaGetPasid, (Id h), (h))
  FWD(Errno, MmExit, (Id mm), (mm))
  FWD(Ret<uint32_t>, MmPasid, (Id mm), (mm))
  FWD(Ret<uint32_t>, AuxAttach, (Id m, Id d, std::optional<uint32_t> p), (m, d, p))
  FWD(Errno, AuxDetach, (Id m, Id d), (m, d))
  FWD(Ret<uint32_t>, AuxGetPasid, (Id m, Id d), (m, d))
  FWD(Ret<bool>, AuxPathEnabled, (Id d), (d))
  FWD(Errno, DmaSetMask, (Id d, uint64_t m, uint64_t c), (d, m, c))
  FWD(Ret<spec::api::DmaMapping>, DmaMap,
      (Id d, uint64_t ph, uint64_t s, spec::api::DmaDir r, std::optional<uint64_t> p),
      (d, ph, s, r, p))
  FWD(Errno, DmaUnmap, (Id d, uint64_t a, uint64_t s), (d, a, s))
  FWD(Ret<spec::api::DmaMapping>, DmaAllocCoherent,
      (Id d, uint64_t s, uint64_t ph, std::optional<uint64_t> p), (d, s, ph, p))
  FWD(Errno, DmaFreeCoherent, (Id d, uint64_t s, uint64_t a), (d, s, a))
  FWD(Ret<spec::api::CacheOp>, DmaSync,
      (Id d, uint64_t a, uint64_t s, spec::api::DmaDir r, spec::api::SyncFor f),
      (d, a, s, r, f))
#undef FWD

 private:
  std::unique_ptr<ApiDevice> in_;
};

}  // namespace smmuref::conform
