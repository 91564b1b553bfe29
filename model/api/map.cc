// map / unmap / iova_to_phys on paging domains: page-size selection (iommu_pgsize), alignment,
// ranges, overlap, the unmap return value and partial-leaf unmap, protection checks.
// Tests: tests/model/api/map_test.cc, corpus/vectors/api/map_*.vec.
#include "smmuref/model/api/map.h"

#include <bit>

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {
namespace {

// Bits 0..k inclusive.
uint64_t MaskUpTo(int k) { return k >= 63 ? ~0ull : (uint64_t{2} << k) - 1; }

}  // namespace

// R-MAP-004: iommu_pgsize: candidates are the bitmap's sizes no larger than `size` and, unless
// iova|pa is 0, no larger than its alignment; the largest wins. The run length is size/pgsize,
// cut short at the first boundary where the next larger size could start (same offset of iova
// and pa within it, and room for it), with the overflow guard [C-NEW iommu_pgsize; e586e22974d2].
PgSizeChoice PgSize(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size) {
  if (size == 0) return {};
  uint64_t candidates = bitmap & MaskUpTo(63 - std::countl_zero(size));
  const uint64_t addr_merge = iova | pa;
  if (addr_merge != 0) candidates &= MaskUpTo(std::countr_zero(addr_merge));
  if (candidates == 0) return {};
  const int idx = 63 - std::countl_zero(candidates);
  PgSizeChoice out{uint64_t{1} << idx, size >> idx};
  const uint64_t larger = bitmap & ~MaskUpTo(idx);
  if (larger == 0) return out;
  const uint64_t next = uint64_t{1} << std::countr_zero(larger);
  if (((iova ^ pa) & (next - 1)) != 0) return out;
  const uint64_t offset = next - (addr_merge & (next - 1));
  if (offset + next > offset && offset + next <= size) out.count = offset >> idx;
  return out;
}

std::map<uint64_t, Leaf> DecomposeMap(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size,
                                      uint32_t prot) {
  std::map<uint64_t, Leaf> out;
  while (size != 0) {
    PgSizeChoice c = PgSize(bitmap, iova, pa, size);
    if (c.pgsize == 0) break;
    for (uint64_t i = 0; i < c.count; ++i) {
      out[iova] = Leaf{pa, c.pgsize, prot};
      iova += c.pgsize;
      pa += c.pgsize;
      size -= c.pgsize;
    }
  }
  return out;
}

// R-MAP-013: a stage-1 leaf permits a read if it has READ or WRITE (stage 1 cannot express
// write-only), a write if it has WRITE, an execute if readable and not NOEXEC; a PRIV leaf
// refuses unprivileged accesses [PT prot to PTE: AP_RDONLY, XN, AP_UNPRIV].
bool ProtPermits(uint32_t prot, const Access& a) {
  const bool readable = (prot & (kProtRead | kProtWrite)) != 0;
  if ((prot & kProtPriv) != 0 && !a.priv) return false;
  if (a.read && !readable) return false;
  if (a.write && (prot & kProtWrite) == 0) return false;
  if (a.exec && (!readable || (prot & kProtNoexec) != 0)) return false;
  return true;
}

Errno System::Map(DomainId id, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot) {
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  // R-MAP-001: only paging domains map: -EINVAL otherwise [C-NEW iommu_map_nosync].
  if (!IsPaging(d->type)) return Errno::kEINVAL;
  // R-MAP-002: an unfinalized (legacy device-less) domain has no page table yet: -ENODEV [V3].
  if (d->instances.empty()) return Errno::kENODEV;
  // R-MAP-003: iova, pa and size must be multiples of the minimum page size: -EINVAL, nothing
  // changes [C-NEW iommu_map_nosync].
  const uint64_t min_page = MinPageSize(d->pgsize_bitmap);
  if (((iova | pa | size) & (min_page - 1)) != 0) return Errno::kEINVAL;
  // R-MAP-007: a zero-size map succeeds and changes nothing [C-NEW: the loop does not run].
  if (size == 0) return Errno::kOk;
  // R-MAP-008: a map with neither READ nor WRITE maps nothing; the model reports a contract
  // violation [decision: io-pgtable-arm returns success with no progress, which gives the caller
  // no mapping and no error; the model makes the misuse visible].
  if ((prot & (kProtRead | kProtWrite)) == 0) return Errno::kContractViolation;
  std::map<uint64_t, Leaf> fresh = DecomposeMap(d->pgsize_bitmap, iova, pa, size, prot);
  for (const auto& [va, leaf] : fresh) {
    // R-MAP-005: a page whose IOVA is beyond the aperture (2^IAS) or whose PA is beyond 2^OAS
    // gives -ERANGE [PT map_pages]. R-MAP-006: a page overlapping an existing leaf
    // gives -EEXIST [PT; strict profile]. The first failing page decides; partial
    // progress is unwound, so nothing changes.
    if (va > d->aperture_end || (leaf.pa >> d->oas) != 0) return Errno::kERANGE;
    if (LeafAt(id, va) || LeafAt(id, va + leaf.size - 1)) return Errno::kEEXIST;
    auto next = d->leaves.lower_bound(va);
    if (next != d->leaves.end() && next->first < va + leaf.size) return Errno::kEEXIST;
  }
  d->leaves.insert(fresh.begin(), fresh.end());
  return Errno::kOk;
}

Ret<uint64_t> System::Unmap(DomainId id, uint64_t iova, uint64_t size, Errno* why) {
  Errno reason = Errno::kOk;
  if (why == nullptr) why = &reason;
  *why = Errno::kOk;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return *why = Errno::kENOENT, Ret<uint64_t>{Errno::kOk, 0};
  // R-MAP-010: unmap returns 0 for a non-paging or unfinalized domain and for iova|size not
  // aligned to the minimum page size; it never returns a negative value [C-NEW __iommu_unmap].
  if (!IsPaging(d->type)) return *why = Errno::kEINVAL, Ret<uint64_t>{Errno::kOk, 0};
  if (d->instances.empty()) return *why = Errno::kENODEV, Ret<uint64_t>{Errno::kOk, 0};
  const uint64_t min_page = MinPageSize(d->pgsize_bitmap);
  if (((iova | size) & (min_page - 1)) != 0) return *why = Errno::kEINVAL, Ret<uint64_t>{};
  // R-MAP-009: unmap walks from iova in iommu_pgsize steps, accumulating what each step removes,
  // and stops at the first hole or once the total reaches size; the total may exceed size.
  uint64_t unmapped = 0;
  while (unmapped < size) {
    const uint64_t c = iova + unmapped;
    const uint64_t p = PgSize(d->pgsize_bitmap, c, c, size - unmapped).pgsize;
    auto cover = LeafAt(id, c);
    if (cover && cover->second.size > p) {
      // R-MAP-011: part of a larger leaf: partial_unmap=whole removes the leaf and counts its
      // full size [33729a5fc0ca]; split removes [c, c+p) and remaps the rest of the leaf with
      // the bitmap's smaller sizes [PT <= v6.12]; reject removes nothing and stops [decision:
      // iommufd refuses to split an area].
      const auto [start, leaf] = *cover;
      if (knobs_.partial_unmap == PartialUnmap::kReject) break;
      d->leaves.erase(start);
      if (knobs_.partial_unmap == PartialUnmap::kWhole) {
        unmapped += leaf.size;
        continue;
      }
      const uint64_t smaller = d->pgsize_bitmap & (leaf.size - 1);
      auto head = DecomposeMap(smaller, start, leaf.pa, c - start, leaf.prot);
      auto tail = DecomposeMap(smaller, c + p, leaf.pa + (c + p - start),
                               start + leaf.size - (c + p), leaf.prot);
      d->leaves.insert(head.begin(), head.end());
      d->leaves.insert(tail.begin(), tail.end());
      unmapped += p;
      continue;
    }
    // R-MAP-014: otherwise the step removes every leaf inside [c, c+p) (a table under a block
    // entry is freed whole) and counts p; an empty [c, c+p) is a hole [PT __arm_lpae_unmap].
    auto first = d->leaves.lower_bound(c);
    if (first == d->leaves.end() || first->first >= c + p) break;
    auto last = d->leaves.lower_bound(c + p);
    d->leaves.erase(first, last);
    unmapped += p;
  }
  return {Errno::kOk, unmapped};
}

std::optional<std::pair<uint64_t, Leaf>> System::LeafAt(DomainId id, uint64_t iova) const {
  const Domain* d = FindDomain(id);
  if (d == nullptr || d->leaves.empty()) return std::nullopt;
  auto it = d->leaves.upper_bound(iova);
  if (it == d->leaves.begin()) return std::nullopt;
  --it;
  if (iova - it->first >= it->second.size) return std::nullopt;
  return *it;
}

// R-MAP-012: iova_to_phys is the leaf's PA plus the offset for a mapped IOVA and 0 otherwise;
// identity domains return the IOVA, blocked and SVA domains 0 [C-NEW iommu_iova_to_phys; PT].
uint64_t System::IovaToPhys(DomainId id, uint64_t iova) const {
  const Domain* d = FindDomain(id);
  if (d == nullptr) return 0;
  if (d->type == DomainType::kIdentity) return iova;
  if (!IsPaging(d->type)) return 0;
  auto leaf = LeafAt(id, iova);
  return leaf ? leaf->second.pa + (iova - leaf->first) : 0;
}

Ret<bool> System::CheckAccess(DomainId id, uint64_t iova, const Access& a) const {
  const Domain* d = FindDomain(id);
  if (d == nullptr) return {Errno::kENOENT};
  if (d->type == DomainType::kIdentity) return {Errno::kOk, true};
  if (!IsPaging(d->type)) return {Errno::kOk, false};
  auto leaf = LeafAt(id, iova);
  return {Errno::kOk, leaf && ProtPermits(leaf->second.prot, a)};
}

// R-MAP-015: page-table writes of a domain on an instance whose walker is not coherent must be
// cleaned to the point of coherency before any command that makes the SMMU walk them [seed 004;
// PT non-coherent walker].
Ret<bool> System::WalkerNeedsClean(DomainId id) const {
  const Domain* d = FindDomain(id);
  if (d == nullptr) return {Errno::kENOENT};
  for (InstanceId i : d->instances) {
    const Instance* inst = FindInstance(i);
    if (inst != nullptr && !inst->caps.coherent_walk) return {Errno::kOk, true};
  }
  return {Errno::kOk, false};
}

}  // namespace smmuref::model::api
