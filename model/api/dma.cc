// The DMA API over DMA-type domains: masks, streaming map/unmap, coherent allocation, syncs, and
// the IOVA rules that an implementation's choices must meet (seed 004; dma-iommu).
// Tests: tests/model/api/dma_test.cc, corpus/vectors/api/dma.vec.
#include "smmuref/model/api/dma.h"

#include <algorithm>
#include <bit>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {
namespace {

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
uint64_t RoundUpPow2(uint64_t v) { return v <= 1 ? 1 : uint64_t{1} << (64 - std::countl_zero(v - 1)); }

}  // namespace

// R-DMA-010: on a non-coherent device, a sync for the device cleans the CPU cache over the range
// (every direction); a sync for the CPU invalidates it unless the direction is to-device
// [arch_sync_dma_for_device, arch_sync_dma_for_cpu, v6.12-v7.0, arm64].
CacheOp SyncCacheOp(SyncFor f, DmaDir dir) {
  if (f == SyncFor::kDevice) return CacheOp::kClean;
  return dir == DmaDir::kToDevice ? CacheOp::kNone : CacheOp::kInvalidate;
}

// R-DMA-004: a streaming mapping's protection follows its direction: to-device READ, from-device
// WRITE, bidirectional both; CACHE when the device is coherent [dma_info_to_prot, v6.12-v7.0].
uint32_t DmaProt(DmaDir dir, bool coherent) {
  uint32_t prot = coherent ? kProtCache : 0;
  if (dir != DmaDir::kFromDevice) prot |= kProtRead;
  if (dir != DmaDir::kToDevice) prot |= kProtWrite;
  return prot;
}

// The DMA-API domain of a device: its group's default domain, whatever the group is attached to
// now [iommu_get_dma_domain, v6.12-v7.0]; nullptr when that is not a DMA domain (dma-direct).
Domain* System::DmaDomain(DeviceId id) {
  Domain* d = FindDomainMut(GroupOfDevice(id)->default_domain);
  return d != nullptr && d->type == DomainType::kDma ? d : nullptr;
}

// R-DMA-008: a device on dma-iommu accepts any DMA mask, 0 included [dma_set_mask,
// dma_supported, v6.12-v7.0: use_dma_iommu() is always supported]; a device whose default domain
// is an identity domain goes through dma-direct: NOTMODELLED (R-DMA-001).
Errno System::DmaSetMask(DeviceId id, uint64_t mask, uint64_t coherent_mask) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  if (DmaDomain(id) == nullptr) return Errno::kNotModelled;
  devices_[id].desc.dma_mask = mask;
  devices_[id].desc.coherent_dma_mask = coherent_mask;
  return Errno::kOk;
}

// R-DMA-002: a DMA IOVA allocation [base, base+alloc) is legal when base is a non-zero multiple
// of the required alignment, at or above the aperture start, its last byte in the granule page
// that holds min(mask, aperture end), and it overlaps no mapping of the domain
// [iommu_dma_alloc_iova, v6.12-v7.0: limit_pfn is the mask's page, inclusive; base_pfn >= 1].
Errno System::CheckIovaChoice(const Domain& d, uint64_t base, uint64_t alloc, uint64_t last,
                              uint64_t align) const {
  if (base == 0 || base % align != 0 || base < d.aperture_start) return Errno::kBadChoice;
  if (alloc - 1 > ~uint64_t{0} - base || base + (alloc - 1) > last) return Errno::kBadChoice;
  auto next = d.leaves.lower_bound(base);
  if (next != d.leaves.end() && next->first - base < alloc) return Errno::kBadChoice;
  if (next != d.leaves.begin()) {
    --next;
    if (next->first + next->second.size > base) return Errno::kBadChoice;
  }
  return Errno::kOk;
}

// The highest free `align`-aligned allocation of `alloc` bytes ending at or below `last`
// (R-DMA-003), or 0 when none fits above `floor`.
uint64_t System::TopDownIova(const Domain& d, uint64_t alloc, uint64_t align, uint64_t floor,
                             uint64_t last) const {
  uint64_t end = last + 1;  // last < 2^52
  for (;;) {
    if (end < alloc || (end - alloc) / align * align < floor) return 0;
    const uint64_t base = (end - alloc) / align * align;
    auto next = d.leaves.lower_bound(base + alloc);
    if (next == d.leaves.begin()) return base;
    --next;
    if (next->first + next->second.size <= base) return base;
    end = next->first;
  }
}

// R-DMA-003: the default IOVA is the highest legal allocation (top-down, size-aligned like the
// kernel's allocator); a proposed dma address is adopted when it keeps the buffer's offset within
// the granule and its allocation is legal (R-DMA-002), else BADCHOICE [alloc_iova_fast, v6.12-v7.0;
// decision: any legal IOVA is a legal choice]. R-DMA-009: no legal allocation, or a length whose
// granule-aligned size passes 2^64, gives -ENOMEM (DMA_MAPPING_ERROR) and changes nothing
// [__iommu_dma_map, v6.12-v7.0; decision for the wrap: iova_align wraps there].
Ret<DmaMapping> System::DmaMapRange(Device& dev, Domain& d, const DmaRequest& r,
                                    std::optional<uint64_t> proposed) {
  const uint64_t granule = MinPageSize(d.pgsize_bitmap);
  const uint64_t offset = r.phys & (granule - 1);
  if (r.size > ~uint64_t{0} - offset - (granule - 1)) return {Errno::kENOMEM};
  const uint64_t alloc = AlignUp(r.size + offset, granule);
  const uint64_t last = std::min(r.mask, d.aperture_end) | (granule - 1);
  const uint64_t align = std::max(proposed ? r.proposal_align : r.align, granule);
  uint64_t base = 0;
  if (proposed) {
    if ((*proposed & (granule - 1)) != offset) return {Errno::kBadChoice};
    base = *proposed - offset;
    if (Errno e = CheckIovaChoice(d, base, alloc, last, align); e != Errno::kOk) return {e};
  } else {
    base = TopDownIova(d, alloc, align, std::max(granule, d.aperture_start), last);
    if (base == 0) return {Errno::kENOMEM};
  }
  const DmaDir dir = r.coherent_alloc ? DmaDir::kBidirectional : r.dir;
  if (Errno e = Map(d.id, base, r.phys - offset, alloc, DmaProt(dir, dev.desc.coherent));
      e != Errno::kOk) {
    return {e};
  }
  DmaHandle h;
  h.id = next_id_++;
  h.device = dev.id;
  h.domain = d.id;
  h.base = base;
  h.alloc_size = alloc;
  h.size = r.size;
  h.phys = r.phys;
  h.dir = r.dir;
  h.coherent_alloc = r.coherent_alloc;
  h.dma_addr = base + offset;
  h.live = true;
  dma_handles_[h.id] = h;
  return {Errno::kOk, DmaMapping{h.id, h.dma_addr}};
}

// R-DMA-001: the DMA API maps into the group's default domain when that is a DMA domain, even
// while the group is attached elsewhere [iommu_dma_map_page, v6.12; iommu_dma_map_phys,
// v7.0: iommu_get_dma_domain]; an identity default domain means dma-direct, not modelled
// (NOTMODELLED); a zero size is -EINVAL [decision: dma-iommu's arithmetic is undefined there].
Ret<DmaMapping> System::DmaMap(DeviceId id, uint64_t phys, uint64_t size, DmaDir dir,
                               std::optional<uint64_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  Domain* d = DmaDomain(id);
  if (d == nullptr) return {Errno::kNotModelled};
  if (size == 0) return {Errno::kEINVAL};
  Device& dev = devices_[id];
  const uint64_t granule = MinPageSize(d->pgsize_bitmap);
  const uint64_t offset = phys & (granule - 1);
  DmaRequest r{phys, size, dev.desc.dma_mask, 0, granule, dir, false};
  if (size <= (uint64_t{1} << 62) - offset - granule) {
    r.align = RoundUpPow2(AlignUp(size + offset, granule));
  }
  return DmaMapRange(dev, *d, r, proposed);
}

// R-DMA-006: unmapping or freeing needs the exact dma address and size of a live mapping of the
// device (streaming or coherent as asked); anything else is a contract violation and changes
// nothing [iommu_dma_unmap_page, v6.12-v7.0: WARN on an unmapped IOVA; decision for size
// mismatches, which dma-iommu unmaps at the wrong size]. Success removes the whole allocation.
Errno System::DmaRelease(DeviceId id, uint64_t dma_addr, uint64_t size, bool coherent_alloc) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  for (auto& [_, h] : dma_handles_) {
    if (!h.live || h.device != id || h.coherent_alloc != coherent_alloc) continue;
    if (h.dma_addr != dma_addr) continue;
    if (h.size != size) return Errno::kContractViolation;
    Unmap(h.domain, h.base, h.alloc_size);
    h.live = false;
    return Errno::kOk;
  }
  return Errno::kContractViolation;
}

Errno System::DmaUnmap(DeviceId id, uint64_t dma_addr, uint64_t size) {
  return DmaRelease(id, dma_addr, size, false);
}

Errno System::DmaFreeCoherent(DeviceId id, uint64_t size, uint64_t dma_addr) {
  return DmaRelease(id, dma_addr, size, true);
}

// R-DMA-007: a coherent allocation needs a granule-aligned buffer (-EINVAL), uses the coherent
// mask, maps read-write, and its IOVA is aligned to the smallest power of two covering its size
// [iommu_dma_alloc, v6.12-v7.0; decision for the buffer: the model is given its address].
Ret<DmaMapping> System::DmaAllocCoherent(DeviceId id, uint64_t size, uint64_t phys,
                                         std::optional<uint64_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  Domain* d = DmaDomain(id);
  if (d == nullptr) return {Errno::kNotModelled};
  if (size == 0) return {Errno::kEINVAL};
  const uint64_t granule = MinPageSize(d->pgsize_bitmap);
  if ((phys & (granule - 1)) != 0) return {Errno::kEINVAL};
  if (size > (uint64_t{1} << 62)) return {Errno::kENOMEM};
  Device& dev = devices_[id];
  const uint64_t align = RoundUpPow2(AlignUp(size, granule));
  DmaRequest r{phys, size, dev.desc.coherent_dma_mask, align, align, DmaDir::kBidirectional, true};
  return DmaMapRange(dev, *d, r, proposed);
}

// R-DMA-011: a sync must lie inside one live mapping of the device: a contract violation
// otherwise [debug_dma_sync_single_for_cpu, v6.12-v7.0: dma-debug's check_sync]. R-DMA-012: a
// coherent device needs no cache maintenance [iommu_dma_sync_single_for_cpu, v6.12-v7.0:
// dev_is_dma_coherent].
Ret<CacheOp> System::DmaSync(DeviceId id, uint64_t addr, uint64_t size, DmaDir dir, SyncFor f) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  for (const auto& [_, h] : dma_handles_) {
    if (!h.live || h.device != id) continue;
    if (addr < h.dma_addr || size > h.size || addr - h.dma_addr > h.size - size) continue;
    if (devices_[id].desc.coherent) return {Errno::kOk, CacheOp::kNone};
    return {Errno::kOk, SyncCacheOp(f, dir)};
  }
  return {Errno::kContractViolation};
}

}  // namespace smmuref::model::api
