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

const char* CacheOpName(CacheOp op) {
  switch (op) {
    case CacheOp::kNone: return "none";
    case CacheOp::kClean: return "clean";
    case CacheOp::kInvalidate: return "invalidate";
  }
  return "?";
}

// R-DMA-010: on a non-coherent device, a sync for the device cleans the CPU cache over the range
// (every direction); a sync for the CPU invalidates it unless the direction is to-device
// [DMA: arch_sync_dma_for_device / for_cpu, arm64].
CacheOp SyncCacheOp(SyncFor f, DmaDir dir) {
  if (f == SyncFor::kDevice) return CacheOp::kClean;
  return dir == DmaDir::kToDevice ? CacheOp::kNone : CacheOp::kInvalidate;
}

// R-DMA-004: a streaming mapping's protection follows its direction: to-device READ, from-device
// WRITE, bidirectional both; CACHE when the device is coherent [DMA dma_info_to_prot].
uint32_t DmaProt(DmaDir dir, bool coherent) {
  uint32_t prot = coherent ? kProtCache : 0;
  if (dir != DmaDir::kFromDevice) prot |= kProtRead;
  if (dir != DmaDir::kToDevice) prot |= kProtWrite;
  return prot;
}

// R-DMA-008: DMA masks have the form 2^n - 1 with n >= 12; anything else is -EIO
// [decision: DMA_BIT_MASK(n) is the only form drivers pass; dma_set_mask reports -EIO].
Errno System::DmaSetMask(DeviceId id, uint64_t mask, uint64_t coherent_mask) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  for (uint64_t m : {mask, coherent_mask}) {
    if (m < 0xFFF || ((m + 1) & m) != 0) return Errno::kEIO;
  }
  devices_[id].desc.dma_mask = mask;
  devices_[id].desc.coherent_dma_mask = coherent_mask;
  return Errno::kOk;
}

// R-DMA-002: a DMA IOVA allocation [base, base+alloc) is legal when base is a non-zero multiple
// of the required alignment, at or above the aperture start, its end at or below
// min(mask, aperture end), and it overlaps no mapping of the domain [DMA iommu_dma_alloc_iova;
// IOVA 0 never returned].
Errno System::CheckIovaChoice(const Domain& d, uint64_t base, uint64_t alloc, uint64_t limit,
                              uint64_t align) const {
  if (base == 0 || base % align != 0 || base < d.aperture_start) return Errno::kBadChoice;
  if (base + alloc < base || base + alloc - 1 > limit) return Errno::kBadChoice;
  auto next = d.leaves.lower_bound(base);
  if (next != d.leaves.end() && next->first < base + alloc) return Errno::kBadChoice;
  if (next != d.leaves.begin()) {
    --next;
    if (next->first + next->second.size > base) return Errno::kBadChoice;
  }
  return Errno::kOk;
}

// R-DMA-003: the default IOVA is the highest legal allocation (top-down, size-aligned like the
// kernel's allocator); a proposed dma address is adopted when it keeps the buffer's offset within
// the granule and its allocation is legal (R-DMA-002), else BADCHOICE. R-DMA-009: no legal
// allocation gives -ENOMEM (DMA_MAPPING_ERROR) and changes nothing.
Ret<DmaMapping> System::DmaMapRange(Device& dev, uint64_t phys, uint64_t size, uint64_t mask,
                                    uint64_t align, DmaDir dir, bool coherent_alloc,
                                    std::optional<uint64_t> proposed) {
  Domain& d = domains_[GroupOfDevice(dev.id)->domain];
  const uint64_t granule = MinPageSize(d.pgsize_bitmap);
  const uint64_t offset = phys & (granule - 1);
  const uint64_t alloc = AlignUp(size + offset, granule);
  const uint64_t limit = std::min(mask, d.aperture_end);
  uint64_t base = 0;
  if (proposed) {
    if ((*proposed & (granule - 1)) != offset) return {Errno::kBadChoice};
    base = *proposed - offset;
    if (Errno e = CheckIovaChoice(d, base, alloc, limit, std::max(align, granule)); e != Errno::kOk) {
      return {e};
    }
  } else {
    const uint64_t a = std::max(align, granule);
    const uint64_t floor = std::max(granule, d.aperture_start);
    uint64_t end = limit + 1;  // limit < 2^52
    for (;;) {
      if (end < alloc || (end - alloc) / a * a < floor) return {Errno::kENOMEM};
      base = (end - alloc) / a * a;
      auto next = d.leaves.lower_bound(base + alloc);
      if (next == d.leaves.begin()) break;
      --next;
      if (next->first + next->second.size <= base) break;
      end = next->first;
    }
  }
  const uint32_t prot = coherent_alloc ? DmaProt(DmaDir::kBidirectional, dev.desc.coherent)
                                       : DmaProt(dir, dev.desc.coherent);
  if (Errno e = Map(d.id, base, phys - offset, alloc, prot); e != Errno::kOk) return {e};
  DmaHandle h;
  h.id = next_id_++;
  h.device = dev.id;
  h.domain = d.id;
  h.base = base;
  h.alloc_size = alloc;
  h.size = size;
  h.phys = phys;
  h.dir = dir;
  h.coherent_alloc = coherent_alloc;
  h.dma_addr = base + offset;
  h.live = true;
  dma_handles_[h.id] = h;
  return {Errno::kOk, DmaMapping{h.id, h.dma_addr}};
}

// R-DMA-001: the DMA API needs the device's group to be on a DMA-type domain: -EINVAL otherwise
// (identity/dma-direct is not modelled); a zero size is -EINVAL [decision].
Ret<DmaMapping> System::DmaMap(DeviceId id, uint64_t phys, uint64_t size, DmaDir dir,
                               std::optional<uint64_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  if (size == 0 || FindDomain(GroupOfDevice(id)->domain)->type != DomainType::kDma) {
    return {Errno::kEINVAL};
  }
  Device& dev = devices_[id];
  const uint64_t granule = MinPageSize(FindDomain(GroupOfDevice(id)->domain)->pgsize_bitmap);
  const uint64_t offset = phys & (granule - 1);
  const uint64_t align = RoundUpPow2(AlignUp(size + offset, granule));
  return DmaMapRange(dev, phys, size, dev.desc.dma_mask, proposed ? granule : align, dir, false,
                     proposed);
}

// R-DMA-006: unmapping needs the exact dma address and size of a live streaming mapping of the
// device; anything else is a contract violation and changes nothing [DMA WARN paths; decision for
// size mismatches]. Success removes the whole allocation.
Errno System::DmaUnmap(DeviceId id, uint64_t dma_addr, uint64_t size) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  for (auto& [_, h] : dma_handles_) {
    if (!h.live || h.device != id || h.coherent_alloc || h.dma_addr != dma_addr) continue;
    if (h.size != size) return Errno::kContractViolation;
    Unmap(h.domain, h.base, h.alloc_size);
    h.live = false;
    return Errno::kOk;
  }
  return Errno::kContractViolation;
}

// R-DMA-007: a coherent allocation needs a granule-aligned buffer (-EINVAL), uses the coherent
// mask, maps read-write, and its IOVA is aligned to the smallest power of two covering its size
// [DMA-API.txt: dma_alloc_coherent alignment guarantee].
Ret<DmaMapping> System::DmaAllocCoherent(DeviceId id, uint64_t size, uint64_t phys,
                                         std::optional<uint64_t> proposed) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  const Domain* d = FindDomain(GroupOfDevice(id)->domain);
  if (size == 0 || d->type != DomainType::kDma) return {Errno::kEINVAL};
  const uint64_t granule = MinPageSize(d->pgsize_bitmap);
  if ((phys & (granule - 1)) != 0) return {Errno::kEINVAL};
  Device& dev = devices_[id];
  return DmaMapRange(dev, phys, size, dev.desc.coherent_dma_mask,
                     RoundUpPow2(AlignUp(size, granule)), DmaDir::kBidirectional, true, proposed);
}

Errno System::DmaFreeCoherent(DeviceId id, uint64_t size, uint64_t dma_addr) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return e;
  for (auto& [_, h] : dma_handles_) {
    if (!h.live || h.device != id || !h.coherent_alloc || h.dma_addr != dma_addr) continue;
    if (h.size != size) return Errno::kContractViolation;
    Unmap(h.domain, h.base, h.alloc_size);
    h.live = false;
    return Errno::kOk;
  }
  return Errno::kContractViolation;
}

// R-DMA-011: a sync must lie inside one live mapping of the device: a contract violation
// otherwise [dma-debug]. R-DMA-012: a coherent device needs no cache maintenance.
Ret<CacheOp> System::DmaSync(DeviceId id, uint64_t addr, uint64_t size, DmaDir dir, SyncFor f) {
  if (Errno e = LiveDevice(id); e != Errno::kOk) return {e};
  for (const auto& [_, h] : dma_handles_) {
    if (!h.live || h.device != id) continue;
    if (addr < h.dma_addr || addr + size > h.dma_addr + h.size || addr + size < addr) continue;
    if (devices_[id].desc.coherent) return {Errno::kOk, CacheOp::kNone};
    return {Errno::kOk, SyncCacheOp(f, dir)};
  }
  return {Errno::kContractViolation};
}

}  // namespace smmuref::model::api
