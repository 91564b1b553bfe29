// Changes to live translation tables, each after a translation that warms the caches with the old
// entry and recorded as a change that needs an invalidation: a leaf remapped (output address,
// AP/S2AP, AF, XN, nG, memory type, unmapped, made invalid), a table descriptor rewritten (moved
// to a copy, APTable/UXNTable/PXNTable changed, removed, NLTA above the output size), a block
// split into a table and a table merged into a block [DDI0487 D8.3, D8.4, D8.16;
// IHI0070 §3.21, §4.4].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

namespace d1 = spec::desc_s1;
namespace d2 = spec::desc_s2;

namespace {
constexpr uint64_t kOaMask = 0x0000fffffffff000ull;

bool BlockLegal(unsigned g, int level) { return g == 12 ? level == 1 || level == 2 : level == 2; }

// Roots with at least one leaf.
std::vector<int> RootsWithLeaves(const std::vector<Root>& roots) {
  std::vector<int> out;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].leaves.empty()) out.push_back(static_cast<int>(i));
  }
  return out;
}
}  // namespace

// Records a translation-table change. A change under a VM's structure region (where its CDs
// live) also marks every later CMD_SYNC to invalidate the configuration: CDs fetched through stage
// 2 may stay cached, but the model translates their addresses on every use (R-TXN-008), so no
// stage-2 invalidation may complete while a device could still hold them.
//
// A subtree change (a table descriptor removed, merged into a block, its attributes or NLTA
// changed) is invalidated at once and completely: the model ties TLB entries to table locations,
// so any invalidation that covered the table descriptor but not every leaf entry below it would
// let a correct device keep leaves the model no longer allows.
void Generator::Changed(const Dirty& d) {
  dirty_.push_back(d);
  ++improper_;
  if (d.what == Dirty::What::kS2) {
    const unsigned shift = LevelShift(roots_[d.root].g, d.level);
    const bool structures = shift >= 63 || (d.va >> shift << shift) < out_base_;
    for (int ctx : S2UsersOf(d.root)) vm_structures_dirty_ |= s2_[ctx].vm && structures;
  }
  if (d.subtree) Flush(true);
}

void Generator::Remap() {
  const auto cands = RootsWithLeaves(roots_);
  if (cands.empty()) return;
  const int root = Pick(cands);
  Root& rt = roots_[root];
  const size_t li = Below(rt.leaves.size());
  const Leaf l = rt.leaves[li];
  Warm(root, l.va);
  const uint64_t old = Rd(l.desc_pa);
  uint64_t d = old;
  const bool s1 = rt.stage == 1;
  const unsigned shift = LevelShift(rt.g, l.level);
  switch (Below(9)) {
    case 0: d = 0; break;  // unmap
    case 1: d = (d & ~kOaMask) | (RandomOa(shift, rt.oa_bits) & kOaMask); break;
    case 2: d ^= uint64_t{1 + Below(3)} << 6; break;  // AP[2:1] / S2AP
    case 3: d ^= uint64_t{1} << 10; break;            // AF
    case 4: d ^= uint64_t{1 + Below(3)} << 53; break; // PXN/UXN, XN[1:0]
    case 5: d ^= s1 ? uint64_t{1} << 11 : uint64_t{Below(4)} << 4; break;  // nG / MemAttr[3:2]
    case 6: d &= ~uint64_t{2}; break;                 // block encoding (reserved at level 3)
    default:
      // A fresh mapping when the entry is empty, else a new output address at the same size.
      d = old == 0 ? (s1 ? RandomS1Leaf(RandomOa(shift, rt.oa_bits), l.level)
                         : RandomS2Leaf(RandomOa(shift, rt.oa_bits), l.level))
                   : (d & ~kOaMask) | (RandomOa(shift, rt.oa_bits) & kOaMask);
      break;
  }
  if (d == old) return;
  W(l.desc_pa, d);
  if (s1 && rt.s2ctx >= 0 && (d & 1)) {
    const uint64_t oa = (d & kOaMask) >> shift << shift;
    if (oa < out_base_ + out_size_) EnsureVmMapped(rt.s2ctx, oa, uint64_t{1} << std::min(shift, 16u));
  }
  // Invalid entries are never cached (R-CACHE-003): mapping over an invalid one needs nothing.
  if ((old & 1) == 0) return;
  Dirty dirty;
  dirty.what = s1 ? Dirty::What::kS1 : Dirty::What::kS2;
  dirty.root = root;
  dirty.va = l.va;
  dirty.level = l.level;
  dirty.global = s1 && (!spec::Get(&old, d1::nG) || !spec::Get(&d, d1::nG));
  Changed(dirty);
  if (ChanceIn(Focus::kInval, 25)) Warm(root, l.va);  // before the invalidation: old or new
}

void Generator::MoveTable(int root, uint64_t desc_pa, int level) {
  Root& rt = roots_[root];
  const uint64_t old = Rd(desc_pa);
  const uint64_t size = uint64_t{1} << rt.g;
  const uint64_t from = spec::Get(&old, d1::NLTA) << 12 & ~(size - 1);
  const uint64_t to = Alloc(size, size);
  if (rt.s2ctx >= 0) EnsureVmMapped(rt.s2ctx, to, size);
  // Copy every entry written so far, then point the descriptor at the copy.
  std::vector<std::pair<uint64_t, uint64_t>> entries;
  for (auto it = mem_.lower_bound(from); it != mem_.end() && it->first < from + size; ++it) {
    entries.emplace_back(it->first - from, it->second);
  }
  for (const auto& [off, v] : entries) W(to + off, v);
  for (Leaf& l : rt.leaves) {
    if (l.desc_pa >= from && l.desc_pa < from + size) l.desc_pa = l.desc_pa - from + to;
  }
  W(desc_pa, (old & ~kOaMask) | to);
  (void)level;
}

void Generator::Retable() {
  const auto cands = RootsWithLeaves(roots_);
  if (cands.empty()) return;
  const int root = Pick(cands);
  const Root rt = roots_[root];
  const Leaf l = Pick(rt.leaves);
  const std::vector<uint64_t> path = TablePath(root, l.va, l.level);
  if (path.empty()) return;
  const size_t k = Below(path.size());
  const uint64_t desc_pa = path[k];
  const int level = rt.start + static_cast<int>(k);
  Flush(true);  // nothing outstanding may be partly covered by the subtree's invalidation
  Warm(root, l.va);
  const uint64_t old = Rd(desc_pa);
  bool moved = false;
  switch (Below(rt.stage == 1 ? 5 : 3)) {
    case 0:
      MoveTable(root, desc_pa, level);
      moved = true;
      break;
    case 1: {
      // Removed: everything below becomes unmapped.
      W(desc_pa, 0);
      const unsigned shift = LevelShift(rt.g, level);
      auto& leaves = roots_[root].leaves;
      leaves.erase(std::remove_if(leaves.begin(), leaves.end(),
                                  [&](const Leaf& x) { return (x.va >> shift) == (l.va >> shift); }),
                   leaves.end());
      break;
    }
    case 2:
      // NLTA above the output size (R-WALK-011), when the size leaves room for it.
      if (rt.oa_bits >= 48) return;
      W(desc_pa, old | uint64_t{1} << (rt.oa_bits + Below(48 - rt.oa_bits)));
      break;
    default: {
      // Hierarchical attributes (stage 1): APTable, UXNTable, PXNTable [DDI0487 D8.4.2].
      uint64_t d = old;
      spec::Set(&d, d1::APTable, Below(4));
      spec::Set(&d, d1::UXNTable, Chance(30));
      spec::Set(&d, d1::PXNTable, Chance(30));
      if (d == old) return;
      W(desc_pa, d);
      break;
    }
  }
  Dirty dirty;
  dirty.what = rt.stage == 1 ? Dirty::What::kS1 : Dirty::What::kS2;
  dirty.root = root;
  dirty.va = l.va;
  dirty.level = level;
  dirty.table = true;
  dirty.subtree = !moved;  // a moved table is an exact copy
  dirty.global = true;     // the subtree may hold global entries
  Changed(dirty);
}

// A block becomes a table of smaller blocks or pages; only some entries are filled (software
// that unmaps part of a block), each with the block's attributes and the matching output
// address.
void Generator::SplitBlock() {
  std::vector<std::pair<int, size_t>> blocks;
  for (size_t r = 0; r < roots_.size(); ++r) {
    for (size_t i = 0; i < roots_[r].leaves.size(); ++i) {
      const Leaf& l = roots_[r].leaves[i];
      if (l.level < 3 && (Rd(l.desc_pa) & 3) == 1 && BlockLegal(roots_[r].g, l.level)) {
        blocks.emplace_back(static_cast<int>(r), i);
      }
    }
  }
  if (blocks.empty()) return;
  const auto [root, li] = Pick(blocks);
  Root& rt = roots_[root];
  const Leaf l = rt.leaves[li];
  Warm(root, l.va);
  const uint64_t old = Rd(l.desc_pa);
  const uint64_t size = uint64_t{1} << rt.g;
  const uint64_t next = Alloc(size, size);
  if (rt.s2ctx >= 0) EnsureVmMapped(rt.s2ctx, next, size);
  const int sub = l.level + 1;
  const unsigned sub_shift = LevelShift(rt.g, sub);
  const uint64_t entries = size / 8;
  std::vector<uint64_t> picks{0, entries - 1};
  for (int i = 0; i < 4; ++i) picks.push_back(Below(entries));
  std::sort(picks.begin(), picks.end());
  picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
  rt.leaves.erase(rt.leaves.begin() + static_cast<std::ptrdiff_t>(li));
  for (uint64_t idx : picks) {
    const uint64_t oa = (old & kOaMask) + (idx << sub_shift);
    uint64_t d = (old & ~kOaMask & ~uint64_t{3}) | (oa & kOaMask) | (sub == 3 ? 3 : 1);
    W(next + idx * 8, d);
    rt.leaves.push_back(Leaf{l.va + (idx << sub_shift), sub, next + idx * 8});
  }
  W(l.desc_pa, rt.stage == 1 ? S1Table(next) : S2Table(next));
  Dirty dirty;
  dirty.what = rt.stage == 1 ? Dirty::What::kS1 : Dirty::What::kS2;
  dirty.root = root;
  dirty.va = l.va;
  dirty.level = l.level;
  dirty.global = rt.stage == 1 && !spec::Get(&old, d1::nG);
  Changed(dirty);
}

// A table whose level allows blocks is replaced by one block: the walk-cache entry of the table
// descriptor needs a non-leaf invalidation.
void Generator::MergeToBlock() {
  const auto cands = RootsWithLeaves(roots_);
  if (cands.empty()) return;
  const int root = Pick(cands);
  const Root rt = roots_[root];
  const Leaf l = Pick(rt.leaves);
  const std::vector<uint64_t> path = TablePath(root, l.va, l.level);
  for (size_t k = path.size(); k-- > 0;) {
    const int level = rt.start + static_cast<int>(k);
    if (!BlockLegal(rt.g, level)) continue;
    const unsigned shift = LevelShift(rt.g, level);
    Flush(true);
    Warm(root, l.va);
    const uint64_t va = l.va >> shift << shift;
    const uint64_t oa = RandomOa(shift, rt.oa_bits);
    W(path[k], rt.stage == 1 ? RandomS1Leaf(oa, level) : RandomS2Leaf(oa, level));
    auto& leaves = roots_[root].leaves;
    leaves.erase(std::remove_if(leaves.begin(), leaves.end(),
                                [&](const Leaf& x) { return (x.va >> shift) == (va >> shift); }),
                 leaves.end());
    leaves.push_back(Leaf{va, level, path[k]});
    if (rt.stage == 1 && rt.s2ctx >= 0 && oa < out_base_ + out_size_) {
      EnsureVmMapped(rt.s2ctx, oa, uint64_t{1} << std::min(shift, 16u));
    }
    Dirty dirty;
    dirty.what = rt.stage == 1 ? Dirty::What::kS1 : Dirty::What::kS2;
    dirty.root = root;
    dirty.va = va;
    dirty.level = level;
    dirty.table = true;
    dirty.subtree = true;
    dirty.global = true;
    Changed(dirty);
    return;
  }
}

// A program the model cannot bound, on purpose (rarely): every descriptor on a 4-level walk is
// rewritten eight times without an invalidation (software bits only), so a translation has 9^4
// combinations of allowed values, past the bound (R-CACHE-009). The program ends there, counted
// by the campaign as bounded, never as a mismatch.
void Generator::ExplodeAllowedSet() {
  for (size_t r = 0; r < roots_.size(); ++r) {
    const Root& rt = roots_[r];
    if (rt.stage != 1 || rt.start != 0 || rt.leaves.empty()) continue;
    const Leaf l = rt.leaves.front();
    std::vector<uint64_t> path = TablePath(static_cast<int>(r), l.va, l.level);
    if (path.size() < 3 || l.level != 3) continue;
    path.push_back(l.desc_pa);
    Warm(static_cast<int>(r), l.va);
    for (uint64_t k = 1; k <= 8; ++k) {
      for (uint64_t pa : path) W(pa, (Rd(pa) & ~(uint64_t{0xf} << 55)) | (k << 55));  // ignored bits
    }
    Warm(static_cast<int>(r), l.va);
    return;
  }
}

}  // namespace smmuref::conform::gen
