// The IOMMU API system state and every operation on it: the sequential specification. A pure
// state machine: no globals, clocks, randomness or I/O; every operation returns a result and
// never throws; a bad handle gives its specified error and changes nothing. Operations are
// specified as linearizable: a concurrent implementation must behave as some sequence of them.
// Operations are defined in the file of their concept (instance.cc, device.cc, group.cc,
// domain.cc, map.cc, pasid.cc, sva.cc, aux.cc, dma.cc). Rules: spec/rules-api.md.
// Tests: tests/model/api/*_test.cc, corpus/vectors/api/*.vec.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "smmuref/model/api/aux.h"
#include "smmuref/model/api/device.h"
#include "smmuref/model/api/dma.h"
#include "smmuref/model/api/domain.h"
#include "smmuref/model/api/errno.h"
#include "smmuref/model/api/group.h"
#include "smmuref/model/api/instance.h"
#include "smmuref/model/api/knobs.h"
#include "smmuref/model/api/map.h"
#include "smmuref/model/api/pasid.h"
#include "smmuref/model/api/pgtable.h"
#include "smmuref/model/api/sva.h"

namespace smmuref::model::api {

using spec::api::DmaMapping;

class System {
 public:
  // R-API-014: the most page-table leaves the model holds (all domains together).
  static constexpr size_t kLeafBudget = size_t{1} << 20;

  // --- knobs (knobs.cc) ---
  Errno SetKnobs(const Knobs& k);
  const Knobs& knobs() const { return knobs_; }

  // --- instances (instance.cc) ---
  Ret<InstanceId> RegisterInstance(const InstanceCaps& caps);
  Errno UnregisterInstance(InstanceId id);
  uint32_t MinPasid(InstanceId id) const;

  // --- devices and groups (device.cc, group.cc) ---
  Ret<DeviceId> ProbeDevice(const DeviceDesc& desc);
  Errno RemoveDevice(DeviceId dev);
  Ret<GroupId> GroupOf(DeviceId dev) const;
  uint64_t DeviceMaxPasids(DeviceId dev) const;
  uint32_t DeviceSsidBits(DeviceId dev) const;
  Errno ClaimDmaOwner(DeviceId dev, uint64_t owner);
  Errno ReleaseDmaOwner(DeviceId dev);
  Errno UseDefaultDomain(DeviceId dev);
  Errno UnuseDefaultDomain(DeviceId dev);
  Errno AttachDevice(DomainId d, DeviceId dev);
  Errno AttachGroup(DomainId d, DeviceId member);
  Errno DetachDevice(DomainId d, DeviceId dev);
  Errno DetachGroup(DomainId d, DeviceId member);
  Errno ReplaceGroupDomain(DomainId d, DeviceId member);
  Ret<DomainId> CurrentDomain(DeviceId dev) const;
  Ret<DomainId> DefaultDomain(DeviceId dev) const;

  // --- domains (domain.cc) ---
  Ret<DomainId> AllocPagingDomain(std::optional<DeviceId> dev);
  Ret<DomainId> AllocStaticDomain(DeviceId dev, DomainType type);
  Errno FreeDomain(DomainId d);
  const Domain* FindDomain(DomainId d) const;

  // --- map / unmap / iova_to_phys (map.cc) ---
  Errno Map(DomainId d, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot);
  // Bytes unmapped (never negative); `why` names the reason for a 0 that is not a hole.
  Ret<uint64_t> Unmap(DomainId d, uint64_t iova, uint64_t size, Errno* why = nullptr);
  uint64_t IovaToPhys(DomainId d, uint64_t iova) const;
  std::optional<std::pair<uint64_t, Leaf>> LeafAt(DomainId d, uint64_t iova) const;
  Ret<bool> CheckAccess(DomainId d, uint64_t iova, const Access& a) const;
  Ret<bool> WalkerNeedsClean(DomainId d) const;

  // --- PASIDs (pasid.cc) ---
  Ret<uint32_t> AllocGlobalPasid(DeviceId dev, std::optional<uint32_t> proposed);
  Errno FreeGlobalPasid(uint32_t pasid);
  Errno AttachDevicePasid(DomainId d, DeviceId dev, uint32_t pasid);
  Errno ReplaceDevicePasid(DomainId d, DeviceId dev, uint32_t pasid);
  Errno DetachDevicePasid(DomainId d, DeviceId dev, uint32_t pasid);
  Ret<DomainId> DomainForPasid(DeviceId dev, uint32_t pasid) const;  // 0 = empty slot
  bool PasidAllocated(uint32_t pasid) const { return pasids_.IsAllocated(pasid); }

  // --- features, SVA (sva.cc) ---
  Errno EnableFeature(DeviceId dev, Feature f);
  Errno DisableFeature(DeviceId dev, Feature f);
  Errno SvaDeviceInit(DeviceId dev, uint32_t features, uint32_t min_pasid, uint32_t max_pasid);
  Errno SvaDeviceShutdown(DeviceId dev);
  Ret<SvaBinding> SvaBind(DeviceId dev, MmId mm, std::optional<uint32_t> proposed);
  Errno SvaUnbind(SvaHandleId h);
  Ret<uint32_t> SvaGetPasid(SvaHandleId h) const;
  Errno MmExit(MmId mm);
  Ret<uint32_t> MmPasid(MmId mm) const;

  // --- aux domains (aux.cc) ---
  Ret<uint32_t> AuxAttach(DomainId d, DeviceId dev, std::optional<uint32_t> proposed);
  Errno AuxDetach(DomainId d, DeviceId dev);
  Ret<uint32_t> AuxGetPasid(DomainId d, DeviceId dev) const;
  Ret<bool> AuxPathEnabled(DeviceId dev) const;

  // --- DMA API (dma.cc) ---
  Errno DmaSetMask(DeviceId dev, uint64_t mask, uint64_t coherent_mask);
  Ret<DmaMapping> DmaMap(DeviceId dev, uint64_t phys, uint64_t size, DmaDir dir,
                         std::optional<uint64_t> proposed);
  Errno DmaUnmap(DeviceId dev, uint64_t dma_addr, uint64_t size);
  Ret<DmaMapping> DmaAllocCoherent(DeviceId dev, uint64_t size, uint64_t phys,
                                   std::optional<uint64_t> proposed);
  Errno DmaFreeCoherent(DeviceId dev, uint64_t size, uint64_t dma_addr);
  Ret<CacheOp> DmaSync(DeviceId dev, uint64_t dma_addr, uint64_t size, DmaDir dir, SyncFor f);

 private:
  // Lookups: nullptr for unknown ids (removed devices are still found; callers check).
  Instance* FindInstance(InstanceId id);
  const Instance* FindInstance(InstanceId id) const;
  Device* FindDevice(DeviceId id);
  const Device* FindDevice(DeviceId id) const;
  Domain* FindDomainMut(DomainId d);
  Group* GroupOfDevice(DeviceId id);
  const Group* GroupOfDevice(DeviceId id) const;
  Errno LiveDevice(DeviceId id) const;  // kENOENT unknown, kENODEV removed, kOk live

  // device.cc
  Errno CheckProbe(const DeviceDesc& desc) const;
  // group.cc
  Errno CheckDomainFor(const Domain& d, const Device& dev) const;
  Errno SetGroupDomain(Group& g, DomainId d);
  DomainId CoreDomain(const Group& g) const;
  bool GroupHasAux(const Group& g) const;
  Errno AttachGroupChecked(Domain& d, Group& g);
  // domain.cc
  DomainId NewDomain(DomainType type);
  void BindDomainToInstance(Domain& d, const Instance& inst);
  Errno ExtendDomainTo(Domain& d, const Instance& inst);
  bool DomainInUse(DomainId d) const;
  // map.cc
  size_t TotalLeaves() const;
  // pasid.cc
  Errno CheckPasidForGroup(const Group& g, uint32_t pasid) const;
  Errno CheckPasidDomain(const Domain& d, const Group& g) const;
  void FillPasidSlot(Domain& d, Group& g, uint32_t pasid);
  bool PasidRange(const Device& dev, uint32_t* lo, uint32_t* hi) const;
  // sva.cc
  void ReleaseSvaHandle(SvaHandle& h);
  void MaybeDropMmPasid(Mm& mm);
  Errno SvaAttachChecks(const Device& dev, const Group& g, uint32_t pasid) const;
  // feature.cc
  bool IopfCapable(const Device& dev) const;
  Ret<uint32_t> SvaChoosePasid(const Device& dev, Mm& mm, std::optional<uint32_t> proposed);
  // dma.cc
  struct DmaRequest {
    uint64_t phys = 0, size = 0, mask = 0;
    uint64_t align = 0;           // default choice alignment (size-aligned)
    uint64_t proposal_align = 0;  // what a proposed IOVA must be aligned to
    DmaDir dir = DmaDir::kBidirectional;
    bool coherent_alloc = false;
  };
  Domain* DmaDomain(DeviceId id);
  Ret<DmaMapping> DmaMapRange(Device& dev, Domain& d, const DmaRequest& r,
                              std::optional<uint64_t> proposed);
  Errno CheckIovaChoice(const Domain& d, uint64_t base, uint64_t alloc, uint64_t last,
                        uint64_t align) const;
  uint64_t TopDownIova(const Domain& d, uint64_t alloc, uint64_t align, uint64_t floor,
                       uint64_t last) const;
  Errno DmaRelease(DeviceId id, uint64_t dma_addr, uint64_t size, bool coherent_alloc);

  Knobs knobs_;
  std::map<InstanceId, Instance> instances_;
  std::map<DeviceId, Device> devices_;
  std::map<GroupId, Group> groups_;
  std::map<DomainId, Domain> domains_;  // freed domains are erased
  std::map<SvaHandleId, SvaHandle> sva_handles_;
  std::map<MmId, Mm> mms_;
  std::map<DmaHandleId, DmaHandle> dma_handles_;
  PasidSpace pasids_;
  DomainId blocked_domain_ = 0, identity_domain_ = 0;  // the driver's static domains
  uint32_t next_id_ = 1;  // one counter for every handle kind: ids never repeat
};

}  // namespace smmuref::model::api
