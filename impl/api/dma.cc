// The fast core's DMA API (R-DMA-*): masks, streaming map/unmap, coherent allocation, syncs, over
// the group's default DMA domain; IOVAs chosen top-down, size-aligned, in the free gaps of the
// domain's interval map. Same results as model/api/dma.cc; the IOVA is a choice (R-DMA-003),
// which the conform seam checks and adopts. Tests: tests/stateful/api_diff_test.cc,
// corpus/vectors/api/dma.vec.
#include <algorithm>
#include <bit>
#include <iterator>

#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {
namespace {

uint64_t Up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
uint64_t Pow2Above(uint64_t v) {
  return v <= 1 ? 1 : uint64_t{1} << (64 - std::countl_zero(v - 1));
}

// R-DMA-004.
uint32_t StreamingProt(DmaDir dir, bool coherent) {
  uint32_t prot = coherent ? kProtCache : 0;
  if (dir != DmaDir::kFromDevice) prot |= kProtRead;
  if (dir != DmaDir::kToDevice) prot |= kProtWrite;
  return prot;
}

// R-DMA-003: the highest `align`-aligned free range of `alloc` bytes ending by last + 1 and
// starting at or above `floor`, or 0. A run of leaves in the way moves the end below the run.
uint64_t Highest(const LeafMap& leaves, uint64_t alloc, uint64_t align, uint64_t floor,
                 uint64_t last) {
  for (uint64_t end = last + 1;;) {
    if (end < alloc) return 0;
    const uint64_t base = (end - alloc) / align * align;
    if (base < floor) return 0;
    uint64_t run_start = 0;
    const LeafMap::Run* run = leaves.LastRunStartingBelow(base + alloc, &run_start);
    if (run == nullptr || run->end <= base) return base;
    end = run_start;
  }
}

}  // namespace

// R-DMA-001: the group's default domain when it is a DMA domain; else dma-direct (nullptr).
DomainId System::DmaDomainOf(DeviceId id) const {
  const DomainId dd = GroupFor(id).default_domain;
  const Domain* d = Dom(dd);
  return d != nullptr && d->type == DomainType::kDma ? dd : 0;
}

// R-DMA-008.
Errno System::DmaSetMask(DeviceId id, uint64_t mask, uint64_t coherent_mask) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  if (DmaDomainOf(id) == 0) return Errno::kNotModelled;
  devices_.at(id).desc.dma_mask = mask;
  devices_.at(id).desc.coherent_dma_mask = coherent_mask;
  return Errno::kOk;
}

// R-DMA-002, R-DMA-003, R-DMA-009: choose (or check a proposed) IOVA, then map it.
Ret<DmaMapping> System::DmaPlace(DeviceId dev, DomainId domain, uint64_t phys, uint64_t size,
                                 uint64_t mask, uint64_t align, uint64_t proposal_align,
                                 uint32_t prot, bool coherent_alloc,
                                 std::optional<uint64_t> proposed) {
  const Domain& d = domains_.at(domain);
  const uint64_t granule = d.pgsize_bitmap & (~d.pgsize_bitmap + 1);
  const uint64_t offset = phys & (granule - 1);
  if (size > ~uint64_t{0} - offset - (granule - 1)) return {Errno::kENOMEM};
  const uint64_t alloc = Up(size + offset, granule);
  const uint64_t last = std::min(mask, d.aperture_end) | (granule - 1);
  uint64_t base = 0;
  if (proposed) {
    const uint64_t a = std::max(proposal_align, granule);
    if ((*proposed & (granule - 1)) != offset) return {Errno::kBadChoice};
    base = *proposed - offset;
    const bool placed = base != 0 && base % a == 0 && base >= d.aperture_start &&
                        alloc - 1 <= ~uint64_t{0} - base && base + (alloc - 1) <= last;
    if (!placed || d.pt.leaves.Overlaps(base, alloc)) return {Errno::kBadChoice};
  } else {
    base = Highest(d.pt.leaves, alloc, std::max(align, granule),
                   std::max(granule, d.aperture_start), last);
    if (base == 0) return {Errno::kENOMEM};
  }
  if (Errno e = Map(domain, base, phys - offset, alloc, prot); e != Errno::kOk) return {e};
  const DmaHandleId hid = next_id_++;
  dma_[hid] = DmaHandle{dev, domain, base + offset, base, alloc, size, coherent_alloc, true};
  devices_.at(dev).dma_by_addr[base + offset] = hid;
  return {Errno::kOk, DmaMapping{hid, base + offset}};
}

// The checks a streaming map and a coherent allocation share: a live device behind a DMA domain
// (dma-direct is not modelled), a non-zero size; the domain and its smallest page size.
Errno System::DmaTarget(DeviceId id, uint64_t size, DomainId* domain, uint64_t* granule) const {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  *domain = DmaDomainOf(id);
  if (*domain == 0) return Errno::kNotModelled;
  if (size == 0) return Errno::kEINVAL;
  const uint64_t bitmap = Dom(*domain)->pgsize_bitmap;
  *granule = bitmap & (~bitmap + 1);
  return Errno::kOk;
}

// R-DMA-001: zero size is -EINVAL; the default alignment is the allocation's power of two.
Ret<DmaMapping> System::DmaMap(DeviceId id, uint64_t phys, uint64_t size, DmaDir dir,
                               std::optional<uint64_t> proposed) {
  DomainId dd = 0;
  uint64_t granule = 0;
  if (Errno e = DmaTarget(id, size, &dd, &granule); e != Errno::kOk) return {e};
  const Device& dev = devices_.at(id);
  const uint64_t offset = phys & (granule - 1);
  uint64_t align = 0;
  if (size <= (uint64_t{1} << 62) - offset - granule) align = Pow2Above(Up(size + offset, granule));
  return DmaPlace(id, dd, phys, size, dev.desc.dma_mask, align, granule,
                  StreamingProt(dir, dev.desc.coherent), false, proposed);
}

// R-DMA-007.
Ret<DmaMapping> System::DmaAllocCoherent(DeviceId id, uint64_t size, uint64_t phys,
                                         std::optional<uint64_t> proposed) {
  DomainId dd = 0;
  uint64_t granule = 0;
  if (Errno e = DmaTarget(id, size, &dd, &granule); e != Errno::kOk) return {e};
  if ((phys & (granule - 1)) != 0) return {Errno::kEINVAL};
  if (size > (uint64_t{1} << 62)) return {Errno::kENOMEM};
  const Device& dev = devices_.at(id);
  const uint64_t align = Pow2Above(Up(size, granule));
  return DmaPlace(id, dd, phys, size, dev.desc.coherent_dma_mask, align, align,
                  StreamingProt(DmaDir::kBidirectional, dev.desc.coherent), true, proposed);
}

// R-DMA-006.
Errno System::DmaRelease(DeviceId id, uint64_t dma_addr, uint64_t size, bool coherent_alloc) {
  if (Errno e = Live(id); e != Errno::kOk) return e;
  // R-DMA-006: the handle must be the device's, at exactly this address, of the same kind
  // (streaming or coherent) and size.
  auto& by_addr = devices_.at(id).dma_by_addr;
  const auto it = by_addr.find(dma_addr);
  if (it == by_addr.end()) return Errno::kContractViolation;
  DmaHandle& h = dma_.at(it->second);
  if (h.coherent_alloc != coherent_alloc || h.size != size) return Errno::kContractViolation;
  Unmap(h.domain, h.base, h.alloc);
  h.live = false;
  by_addr.erase(it);
  return Errno::kOk;
}

Errno System::DmaUnmap(DeviceId id, uint64_t dma_addr, uint64_t size) {
  return DmaRelease(id, dma_addr, size, false);
}

Errno System::DmaFreeCoherent(DeviceId id, uint64_t size, uint64_t dma_addr) {
  return DmaRelease(id, dma_addr, size, true);
}

// R-DMA-011, R-DMA-012, R-DMA-010.
Ret<CacheOp> System::DmaSync(DeviceId id, uint64_t addr, uint64_t size, DmaDir dir, SyncFor f) {
  if (Errno e = Live(id); e != Errno::kOk) return {e};
  // The range must lie inside one live mapping of the device: the last one starting at or
  // below `addr` is the only candidate.
  const Device& dev = devices_.at(id);
  auto it = dev.dma_by_addr.upper_bound(addr);
  if (it == dev.dma_by_addr.begin()) return {Errno::kContractViolation};
  const DmaHandle& h = dma_.at(std::prev(it)->second);
  if (size > h.size || addr - h.dma_addr > h.size - size) return {Errno::kContractViolation};
  if (dev.desc.coherent) return {Errno::kOk, CacheOp::kNone};
  if (f == SyncFor::kDevice) return {Errno::kOk, CacheOp::kClean};
  return {Errno::kOk, dir == DmaDir::kToDevice ? CacheOp::kNone : CacheOp::kInvalidate};
}

}  // namespace smmuref::impl::api
