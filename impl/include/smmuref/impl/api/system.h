// The fast IOMMU core: the operations of the IOMMU API model (model/api, spec/rules-api.md) with
// the same results, error codes and knobs, on structures built for speed: a hierarchical PASID
// bitmap (pasid_bitmap.h), an interval map of page-table leaves (leaf_map.h), hashed object
// tables. Choices the API leaves open (which PASID, which IOVA) are made here and may be proposed
// back by a caller; the conform seam checks them against the model and adopts them
// (conform/include/smmuref/conform/api_device.h). Sequential: callers serialize, or use
// ConcurrentSystem (concurrent.h), which makes every operation atomic.
// Operations live in the file of their concept: instance.cc (instances, devices, groups,
// ownership, attach), domain.cc, pgtable.cc and map.cc, pasid.cc, sva.cc (with aux), dma.cc.
// Tests: tests/impl/api/*_test.cc, tests/stateful/api_diff_test.cc, and every
// corpus/vectors/api/*.vec run with `--dut impl`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "smmuref/impl/api/leaf_map.h"
#include "smmuref/impl/api/pasid_bitmap.h"
#include "smmuref/spec/api.h"

namespace smmuref::impl::api {

using namespace spec::api;  // NOLINT: the API vocabulary is this component's language

// One paging domain's page table: its level sizes (smallest first), its leaves and, per level,
// the bases of the entries at that level that point to a (possibly empty) table.
struct PageTable {
  std::vector<uint64_t> levels;
  std::vector<std::set<uint64_t>> tables;  // parallel to levels
  LeafMap leaves;
};

class System {
 public:
  // The model's bounds (R-API-014), kept so that lockstep runs stay in step: the most leaves all
  // domains hold together, and the most io-pgtable calls one map makes.
  static constexpr uint64_t kLeafBudget = uint64_t{1} << 20;
  static constexpr uint64_t kCallBudget = uint64_t{1} << 20;

  Errno SetKnobs(const Knobs& k);
  const Knobs& knobs() const { return knobs_; }

  Ret<InstanceId> RegisterInstance(const InstanceCaps& caps);
  Errno UnregisterInstance(InstanceId id);
  uint32_t MinPasid(InstanceId id) const;

  Ret<DeviceId> ProbeDevice(const DeviceDesc& desc);
  Errno RemoveDevice(DeviceId dev);
  Ret<GroupId> GroupOf(DeviceId dev) const;
  uint64_t DeviceMaxPasids(DeviceId dev) const;
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

  Ret<DomainId> AllocPagingDomain(std::optional<DeviceId> dev);
  Ret<DomainId> AllocStaticDomain(DeviceId dev, DomainType type);
  Errno FreeDomain(DomainId d);

  Errno Map(DomainId d, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot);
  Ret<uint64_t> Unmap(DomainId d, uint64_t iova, uint64_t size, Errno* why = nullptr);
  uint64_t IovaToPhys(DomainId d, uint64_t iova) const;
  std::optional<LeafView> LeafAt(DomainId d, uint64_t iova) const;
  Ret<bool> CheckAccess(DomainId d, uint64_t iova, const Access& a) const;
  Ret<bool> WalkerNeedsClean(DomainId d) const;

  Ret<uint32_t> AllocGlobalPasid(DeviceId dev, std::optional<uint32_t> proposed);
  Errno FreeGlobalPasid(uint32_t pasid);
  Errno AttachDevicePasid(DomainId d, DeviceId dev, uint32_t pasid);
  Errno ReplaceDevicePasid(DomainId d, DeviceId dev, uint32_t pasid);
  Errno DetachDevicePasid(DomainId d, DeviceId dev, uint32_t pasid);
  Ret<DomainId> DomainForPasid(DeviceId dev, uint32_t pasid) const;
  bool PasidAllocated(uint32_t pasid) const { return pasids_.Test(pasid); }

  Errno EnableFeature(DeviceId dev, Feature f);
  Errno DisableFeature(DeviceId dev, Feature f);
  Errno SvaDeviceInit(DeviceId dev, uint32_t features, uint32_t min_pasid, uint32_t max_pasid);
  Errno SvaDeviceShutdown(DeviceId dev);
  Ret<SvaBinding> SvaBind(DeviceId dev, MmId mm, std::optional<uint32_t> proposed);
  Errno SvaUnbind(SvaHandleId h);
  Ret<uint32_t> SvaGetPasid(SvaHandleId h) const;
  Errno MmExit(MmId mm);
  Ret<uint32_t> MmPasid(MmId mm) const;

  Ret<uint32_t> AuxAttach(DomainId d, DeviceId dev, std::optional<uint32_t> proposed);
  Errno AuxDetach(DomainId d, DeviceId dev);
  Ret<uint32_t> AuxGetPasid(DomainId d, DeviceId dev) const;
  Ret<bool> AuxPathEnabled(DeviceId dev) const;

  Errno DmaSetMask(DeviceId dev, uint64_t mask, uint64_t coherent_mask);
  Ret<DmaMapping> DmaMap(DeviceId dev, uint64_t phys, uint64_t size, DmaDir dir,
                         std::optional<uint64_t> proposed);
  Errno DmaUnmap(DeviceId dev, uint64_t dma_addr, uint64_t size);
  Ret<DmaMapping> DmaAllocCoherent(DeviceId dev, uint64_t size, uint64_t phys,
                                   std::optional<uint64_t> proposed);
  Errno DmaFreeCoherent(DeviceId dev, uint64_t size, uint64_t dma_addr);
  Ret<CacheOp> DmaSync(DeviceId dev, uint64_t dma_addr, uint64_t size, DmaDir dir, SyncFor f);

  // Leaves held by all domains together (R-API-014's budget), and interval-map runs.
  uint64_t TotalLeaves() const;
  uint64_t TotalRuns() const;

 private:
  struct Instance {
    InstanceCaps caps;
  };
  struct Device {
    DeviceDesc desc;
    GroupId group = 0;
    bool removed = false;
    bool feat_sva = false, feat_iopf = false, feat_aux = false;
    bool sva_param = false;
    uint32_t sva_min = 0, sva_max = 0;
    std::vector<DomainId> aux;  // aux domains, in attach order
    // Live DMA handles by DMA address: a device's mappings never overlap in its IOVA space, so
    // the handle an address falls in is the last one starting at or below it.
    std::map<uint64_t, DmaHandleId> dma_by_addr;
  };
  enum class SlotUse { kDomain, kSva, kAux };
  struct Slot {
    DomainId domain = 0;
    SlotUse use = SlotUse::kDomain;
    SvaHandleId handle = 0;
  };
  struct Group {
    InstanceId instance = 0;
    std::vector<DeviceId> devices;
    DomainId domain = 0, default_domain = 0, blocking = 0;
    uint64_t owner = 0;
    uint32_t users = 0;
    std::unordered_map<uint32_t, Slot> slots;  // PASID -> what is attached there
  };
  struct Domain {
    DomainType type = DomainType::kUnmanaged;
    bool is_static = false, device_less = false;
    std::vector<InstanceId> instances;  // empty: not finalized
    uint64_t pgsize_bitmap = 0;
    uint32_t ias = 0, oas = 0;
    uint64_t aperture_start = 0, aperture_end = 0;
    PageTable pt;
    uint32_t sva_users = 0, aux_pasid = 0, aux_users = 0;
    bool Bound(InstanceId i) const;
  };
  struct SvaHandle {
    DeviceId device = 0;
    GroupId group = 0;
    MmId mm = 0;
    uint32_t pasid = 0;
    uint32_t refs = 0;  // 0 = released
    DomainId domain = 0;
  };
  struct Mm {
    uint32_t pasid = 0;
    bool exited = false;
    std::unordered_map<InstanceId, DomainId> sva_domains;
    uint32_t live_handles = 0;
  };
  struct DmaHandle {
    DeviceId device = 0;
    DomainId domain = 0;
    uint64_t dma_addr = 0, base = 0, alloc = 0, size = 0;
    bool coherent_alloc = false;
    bool live = false;
  };

  // instance.cc
  Errno Live(DeviceId id) const;
  Device* Dev(DeviceId id);
  const Device* Dev(DeviceId id) const;
  Group& GroupFor(DeviceId id) { return groups_.at(devices_.at(id).group); }
  const Group& GroupFor(DeviceId id) const { return groups_.at(devices_.at(id).group); }
  bool HasAux(const Group& g) const;
  Errno DomainFits(const Domain& d, const Device& dev) const;
  Errno MoveGroup(Group& g, DomainId id);
  Errno AttachChecked(DomainId id, Group& g);
  // domain.cc
  Domain* Dom(DomainId id);
  const Domain* Dom(DomainId id) const;
  DomainId MakeDomain(DomainType type);
  void Finalize(Domain& d, InstanceId inst);
  void Extend(Domain& d, InstanceId inst);
  bool InUse(DomainId id) const;
  // pasid.cc
  bool DeviceRange(DeviceId id, uint32_t* lo, uint32_t* hi) const;
  // Takes the proposed PASID (BADCHOICE unless free and in [lo, hi]) or the lowest free one
  // (ENOSPC when none), marking it allocated; `driver` marks a driver-owned PASID.
  Ret<uint32_t> TakePasid(uint32_t lo, uint32_t hi, std::optional<uint32_t> proposed, bool driver);
  Errno PasidFitsGroup(const Group& g, uint32_t pasid) const;
  Errno PasidDomainFits(const Domain& d, const Group& g) const;
  void PutSlot(DomainId id, Group& g, uint32_t pasid);
  // sva.cc
  bool IopfCapable(const Device& dev) const;
  Ret<uint32_t> MmPasidFor(DeviceId id, Mm& mm, std::optional<uint32_t> proposed);
  void Release(SvaHandleId id, SvaHandle& h);
  void DropMmPasid(Mm& mm);
  void DropAux(Device& dev, Group& g);
  // dma.cc
  DomainId DmaDomainOf(DeviceId id) const;
  Errno DmaTarget(DeviceId id, uint64_t size, DomainId* domain, uint64_t* granule) const;
  Ret<DmaMapping> DmaPlace(DeviceId dev, DomainId domain, uint64_t phys, uint64_t size,
                           uint64_t mask, uint64_t align, uint64_t proposal_align, uint32_t prot,
                           bool coherent_alloc, std::optional<uint64_t> proposed);
  Errno DmaRelease(DeviceId dev, uint64_t dma_addr, uint64_t size, bool coherent_alloc);

  Knobs knobs_;
  std::unordered_map<InstanceId, Instance> instances_;
  std::unordered_map<DeviceId, Device> devices_;
  std::unordered_map<GroupId, Group> groups_;
  std::unordered_map<DomainId, Domain> domains_;
  std::unordered_map<SvaHandleId, SvaHandle> sva_;
  std::unordered_map<MmId, Mm> mms_;
  std::unordered_map<DmaHandleId, DmaHandle> dma_;
  PasidBitmap pasids_;
  DomainId blocked_ = 0, identity_ = 0;
  uint32_t next_id_ = 1;  // one counter for every kind of handle, as the model's (ids compared)
};

}  // namespace smmuref::impl::api
