// map / unmap / iova_to_phys on paging domains as the IOMMU core runs them: page-size selection
// (iommu_pgsize), the map loop with its unwind on error, the unmap loop and its return value,
// protection checks. The page table itself is pgtable.cc.
// Tests: tests/model/api/map_test.cc, tests/model/api/pgtable_test.cc, corpus/vectors/api/map*.vec,
// corpus/vectors/api/unmap_*.vec, tests/kernel/io_pgtable_diff_test.cc.
#include "smmuref/model/api/map.h"

#include <bit>

#include "smmuref/model/api/pgtable.h"
#include "smmuref/model/api/system.h"

namespace smmuref::model::api {
namespace {

// Bits 0..k inclusive.
uint64_t MaskUpTo(int k) { return k >= 63 ? ~0ull : (uint64_t{2} << k) - 1; }

// One map_pages call of a map, as the core would make it if every earlier call succeeded.
struct Chunk {
  uint64_t iova = 0, pa = 0, pgsize = 0, n = 0;
};

// Calls f(chunk) for each map_pages call of mapping [iova, iova+size) -> pa: iommu_pgsize runs,
// each cut at the end of its table; stops when f returns false. Inputs are min-page aligned.
template <typename F>
void ForEachMapChunk(const Domain& d, uint64_t iova, uint64_t pa, uint64_t size, F f) {
  while (size != 0) {
    const PgSizeChoice c = PgSize(d.pgsize_bitmap, iova, pa, size);
    if (c.pgsize == 0) return;
    const uint64_t n = EntriesInTable(d.levels, iova, c.pgsize, c.count);
    if (!f(Chunk{iova, pa, c.pgsize, n})) return;
    const uint64_t bytes = n * c.pgsize;
    iova += bytes;
    pa += bytes;
    size -= bytes;
  }
}

// The outcome of a map before anything is changed: the first failing call and entry, or the
// number of leaves a successful map adds.
struct MapPlan {
  Errno err = Errno::kOk;
  uint64_t fail_chunk = 0;   // index of the failing call
  uint64_t fail_entry = 0;   // entry of that call where -EEXIST was met at the page's level
  bool walked = false;       // the failing call got past its range, prot and walk checks
  uint64_t mapped = 0;       // bytes the calls before the failing one mapped
  uint64_t new_leaves = 0;
};

// The failure of one call on the state before the map, which is the state each call sees: the
// calls of one map touch disjoint ranges (R-MAP-005, R-MAP-006, R-MAP-008).
MapPlan ClassifyChunk(const Domain& d, const Chunk& c, uint32_t prot, MapOverlap overlap) {
  MapPlan p;
  const uint64_t end = c.iova + c.n * c.pgsize;
  if (!ChunkInRange(d, c.iova, c.pa, c.n * c.pgsize)) return p.err = Errno::kERANGE, p;
  if ((prot & (kProtRead | kProtWrite)) == 0) return p.err = Errno::kEINVAL, p;
  auto cover = CoveringLeaf(d, c.iova);
  if (cover != d.leaves.end() && cover->second.size > c.pgsize) return p.err = Errno::kEEXIST, p;
  for (auto it = d.leaves.lower_bound(c.iova); it != d.leaves.end() && it->first < end; ++it) {
    if (overlap == MapOverlap::kStrict || it->second.size == c.pgsize) {
      p.err = Errno::kEEXIST;
      p.walked = true;
      p.fail_entry = (it->first - c.iova) / c.pgsize;
      return p;
    }
  }
  return p;
}

// R-API-014: a map of more than kCallBudget io-pgtable calls is NOTMODELLED, decided before the
// calls beyond the bound are looked at, so that a map Linux would run out of memory on (2^36 4KB
// pages, 2^27 calls, before an -ERANGE at 2^48) ends at once instead of walking every call.
constexpr uint64_t kCallBudget = uint64_t{1} << 20;

MapPlan PlanMap(const Domain& d, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot,
                MapOverlap overlap) {
  MapPlan plan;
  uint64_t index = 0;
  ForEachMapChunk(d, iova, pa, size, [&](const Chunk& c) {
    MapPlan one = ClassifyChunk(d, c, prot, overlap);
    if (one.err != Errno::kOk) {
      one.fail_chunk = index;
      one.mapped = plan.mapped;
      plan = one;
      return false;
    }
    if (index >= kCallBudget) {
      plan = MapPlan{};
      plan.err = Errno::kNotModelled;
      return false;
    }
    ++index;
    plan.mapped += c.n * c.pgsize;
    plan.new_leaves += c.n;
    return true;
  });
  return plan;
}

// Frees the tables at level `size` whose entries lie in [from, to).
void FreeTablesIn(Domain& d, uint64_t size, uint64_t from, uint64_t to) {
  auto it = d.tables.find(size);
  if (it == d.tables.end()) return;
  std::vector<uint64_t> bases(it->second.lower_bound(from), it->second.lower_bound(to));
  for (uint64_t b : bases) FreeSubtree(d, size, b);
}

// What a failed map leaves behind without installing its leaves: the calls before the failing one
// walked (allocating tables) and replaced tables at their level, the failing one replaced the
// tables before its conflicting entry, and the core's unwind (iommu_unmap of what was mapped, in
// iova-aligned steps) cleared every entry of those steps again (R-MAP-017).
void ApplyFailedMap(Domain& d, const MapPlan& plan, uint64_t iova, uint64_t pa, uint64_t size) {
  uint64_t index = 0;
  ForEachMapChunk(d, iova, pa, size, [&](const Chunk& c) {
    const uint64_t entries = index < plan.fail_chunk ? c.n : plan.walked ? plan.fail_entry : 0;
    if (index < plan.fail_chunk || plan.walked) AllocateWalk(d, c.iova, c.pgsize);
    FreeTablesIn(d, c.pgsize, c.iova, c.iova + entries * c.pgsize);
    return ++index <= plan.fail_chunk;
  });
  for (uint64_t done = 0; done < plan.mapped;) {
    const uint64_t c = iova + done;
    const PgSizeChoice q = PgSize(d.pgsize_bitmap, c, c, plan.mapped - done);
    const uint64_t n = EntriesInTable(d.levels, c, q.pgsize, q.count);
    FreeTablesIn(d, q.pgsize, c, c + n * q.pgsize);
    done += n * q.pgsize;
  }
}

}  // namespace

// R-MAP-004: iommu_pgsize: candidates are the bitmap's sizes no larger than `size` and, unless
// iova|pa is 0, no larger than its alignment; the largest wins. The run length is size/pgsize,
// cut short at the first boundary where the next larger size could start (same offset of iova
// and pa within it, and room for it), with the overflow guard [iommu_pgsize, v6.12-v7.0;
// e586e22974d2].
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

// R-MAP-013: a stage-1 leaf permits a read if it has READ or WRITE (stage 1 cannot express
// write-only), a write if it has WRITE, an execute if readable and not NOEXEC; a PRIV leaf
// refuses unprivileged accesses [arm_lpae_prot_to_pte, v6.12-v7.0: AP_RDONLY, XN, AP_UNPRIV].
bool ProtPermits(uint32_t prot, const Access& a) {
  const bool readable = (prot & (kProtRead | kProtWrite)) != 0;
  if ((prot & kProtPriv) != 0 && !a.priv) return false;
  if (a.read && !readable) return false;
  if (a.write && (prot & kProtWrite) == 0) return false;
  if (a.exec && (!readable || (prot & kProtNoexec) != 0)) return false;
  return true;
}

size_t System::TotalLeaves() const {
  size_t n = 0;
  for (const auto& [_, d] : domains_) n += d.leaves.size();
  return n;
}

Errno System::Map(DomainId id, uint64_t iova, uint64_t pa, uint64_t size, uint32_t prot) {
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return Errno::kENOENT;
  // R-MAP-001: only paging domains map: -EINVAL otherwise [iommu_map_nosync, v6.12-v7.0].
  if (!IsPaging(d->type)) return Errno::kEINVAL;
  // R-MAP-002: an unfinalized (legacy device-less) domain has no page table yet: -ENODEV, before
  // any alignment check (its bitmap is the driver's -1) [arm_smmu_map_pages, v6.12].
  if (d->instances.empty()) return Errno::kENODEV;
  // R-MAP-003: iova, pa and size must be multiples of the minimum page size: -EINVAL, nothing
  // changes [iommu_map_nosync, v6.12-v7.0].
  const uint64_t min_page = MinPageSize(d->pgsize_bitmap);
  if (((iova | pa | size) & (min_page - 1)) != 0) return Errno::kEINVAL;
  // R-MAP-007: a zero-size map succeeds and changes nothing [iommu_map_nosync: no call is made].
  if (size == 0) return Errno::kOk;
  const MapPlan plan = PlanMap(*d, iova, pa, size, prot, knobs_.map_overlap);
  if (plan.err == Errno::kNotModelled) return Errno::kNotModelled;  // R-API-014: too many calls
  if (plan.err == Errno::kOk) {
    // R-API-014: the model holds at most kLeafBudget leaves; a map beyond is not modelled.
    if (TotalLeaves() + plan.new_leaves > kLeafBudget) return Errno::kNotModelled;
    ForEachMapChunk(*d, iova, pa, size, [&](const Chunk& c) {
      return MapPages(*d, c.iova, c.pa, c.pgsize, c.n, prot).err == Errno::kOk;
    });
    return Errno::kOk;
  }
  // R-MAP-017: a failed map is unwound: its leaves are gone, tables its walks allocated stay
  // (empty), tables it replaced stay freed [__iommu_map, v6.12-v7.0]; under map_overlap=strict
  // nothing changes [decision].
  if (knobs_.map_overlap == MapOverlap::kReplaceTables) ApplyFailedMap(*d, plan, iova, pa, size);
  return plan.err;
}

Ret<uint64_t> System::Unmap(DomainId id, uint64_t iova, uint64_t size, Errno* why) {
  Errno reason = Errno::kOk;
  if (why == nullptr) why = &reason;
  *why = Errno::kOk;
  Domain* d = FindDomainMut(id);
  if (d == nullptr) return *why = Errno::kENOENT, Ret<uint64_t>{Errno::kOk, 0};
  // R-MAP-010: unmap returns 0 for a non-paging or unfinalized domain and for iova|size not
  // aligned to the minimum page size; it never returns a negative value [__iommu_unmap,
  // v6.12-v7.0; arm_smmu_unmap_pages, v6.12 for unfinalized domains].
  if (!IsPaging(d->type)) return *why = Errno::kEINVAL, Ret<uint64_t>{Errno::kOk, 0};
  if (d->instances.empty()) return *why = Errno::kENODEV, Ret<uint64_t>{Errno::kOk, 0};
  const uint64_t min_page = MinPageSize(d->pgsize_bitmap);
  if (((iova | size) & (min_page - 1)) != 0) return *why = Errno::kEINVAL, Ret<uint64_t>{};
  // R-MAP-009: unmap calls unmap_pages from iova with iommu_pgsize(iova, iova, remaining) runs,
  // adds what each call removes, and stops at a call that removes nothing or once the total
  // reaches size; the total may exceed size [__iommu_unmap, v6.12-v7.0]. A call that stops at a
  // hole, beyond IAS or at part of a larger leaf (reject) is where io-pgtable-arm WARNs: WARN.
  uint64_t unmapped = 0;
  bool warned = false;
  while (unmapped < size) {
    const uint64_t c = iova + unmapped;
    const PgSizeChoice p = PgSize(d->pgsize_bitmap, c, c, size - unmapped);
    const PagesResult r = UnmapPages(*d, c, p.pgsize, p.count, knobs_.partial_unmap);
    warned = warned || r.warned;
    if (r.bytes == 0) break;
    unmapped += r.bytes;
  }
  if (warned) *why = Errno::kContractViolation;
  return {Errno::kOk, unmapped};
}

std::optional<std::pair<uint64_t, Leaf>> System::LeafAt(DomainId id, uint64_t iova) const {
  const Domain* d = FindDomain(id);
  if (d == nullptr) return std::nullopt;
  auto it = CoveringLeaf(*d, iova);
  if (it == d->leaves.end()) return std::nullopt;
  return *it;
}

// R-MAP-012: iova_to_phys is the leaf's PA plus the offset for a mapped IOVA and 0 otherwise;
// identity domains return the IOVA, blocked and SVA domains 0 [iommu_iova_to_phys,
// arm_lpae_iova_to_phys, v6.12-v7.0]. An IOVA at or beyond 2^IAS gives 0 [decision:
// arm_lpae_iova_to_phys drops the bits above IAS and answers for the aliased IOVA; found by
// tests/kernel].
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
// __arm_lpae_sync_pte, v6.12-v7.0].
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
