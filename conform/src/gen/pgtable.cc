// Translation tables for generated programs: trees for stage 1 and stage 2 at every granule and
// start level, leaves (pages and blocks at legal and illegal levels, output addresses inside and
// above the output size), the identity map of a nested VM, and the changes software makes to
// live tables: remaps, permission changes, table descriptors rewritten (moved, attributes,
// removed, NLTA above the output size), block splits and merges [DDI0487 D8.2-D8.4; IHI0070 §3.4].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

namespace d1 = spec::desc_s1;
namespace d2 = spec::desc_s2;

int Generator::NewRoot(unsigned stage, unsigned g, unsigned ia, int start, bool upper) {
  Root rt;
  rt.stage = stage;
  rt.g = g;
  rt.ia = ia;
  rt.start = start;
  rt.upper = upper;
  rt.start_bits = ia - LevelShift(g, start);
  const uint64_t size = std::max<uint64_t>(64, uint64_t{8} << rt.start_bits);
  rt.base = Alloc(size, std::max<uint64_t>(size, 64));
  roots_.push_back(rt);
  return static_cast<int>(roots_.size()) - 1;
}

// The PA of the descriptor for `va` at `level`, creating the tables above it; nullopt when a
// block or an invalid-but-reserved entry occupies the path. Stage-1 tables of a nested stream
// are placed at IPA = PA and mapped in its VM.
std::optional<uint64_t> Generator::DescAddress(int root, uint64_t va, int level, int s2ctx) {
  const Root rt = roots_[root];
  uint64_t table = rt.base;
  if (s2ctx >= 0) EnsureVmMapped(s2ctx, rt.base, uint64_t{8} << rt.start_bits);
  for (int l = rt.start;; ++l) {
    const unsigned shift = LevelShift(rt.g, l);
    const unsigned bits = l == rt.start ? rt.start_bits : rt.g - 3;
    const uint64_t pa = table + ((va >> shift) & ((uint64_t{1} << bits) - 1)) * 8;
    if (l == level) return pa;
    uint64_t d = Rd(pa);
    if ((d & 3) == 1) return std::nullopt;  // a block
    if ((d & 3) != 3) {
      if (d != 0) return std::nullopt;  // something deliberately broken lives here
      const uint64_t next = Alloc(uint64_t{1} << rt.g, uint64_t{1} << rt.g);
      if (s2ctx >= 0) EnsureVmMapped(s2ctx, next, uint64_t{1} << rt.g);
      d = rt.stage == 1 ? S1Table(next) : S2Table(next);
      W(pa, d);
    }
    table = spec::Get(&d, d1::NLTA) << 12 & ~((uint64_t{1} << rt.g) - 1);
    if (table >= out_base_) return std::nullopt;  // an NLTA deliberately above the output size
  }
}

uint64_t Generator::RandomOa(unsigned size_log2, unsigned oa_bits) {
  // A block at least as large as the window starts where the window does.
  const bool whole = size_log2 >= 63 || (uint64_t{1} << size_log2) >= out_size_;
  uint64_t oa = out_base_ + (Below(whole ? 1 : out_size_ >> size_log2) << size_log2);
  // Deliberately above the output size (R-WALK-011) when the size leaves room for it.
  if (oa_bits < 48 && ChanceIn(Focus::kWalk, 3)) oa |= uint64_t{1} << (oa_bits + Below(48 - oa_bits));
  return oa;
}

uint64_t Generator::RandomS1Leaf(uint64_t oa, int level) {
  S1Attrs a;
  static const unsigned kAp[] = {0, 0, 0, 1, 1, 1, 2, 3};
  a.ap = kAp[Below(8)];
  a.af = !ChanceIn(Focus::kPerm, 8);
  a.ng = Chance(70);
  a.uxn = ChanceIn(Focus::kPerm, 15);
  a.pxn = ChanceIn(Focus::kPerm, 15);
  a.attrindx = static_cast<unsigned>(Below(3));
  return S1Leaf(oa, level, a);
}

uint64_t Generator::RandomS2Leaf(uint64_t oa, int level) {
  S2Attrs a;
  a.s2ap = ChanceIn(Focus::kPerm, 25) ? static_cast<unsigned>(Below(4)) : 3;
  a.af = !ChanceIn(Focus::kPerm, 8);
  if (ChanceIn(Focus::kPerm, 15)) a.xn = static_cast<unsigned>(Below(4));
  if (ChanceIn(Focus::kPerm, 8)) a.memattr = static_cast<unsigned>(Below(4));  // Device
  return S2Leaf(oa, level, a);
}

// One leaf in `root`: a page, or a block at a level the granule allows; `broken` also allows
// blocks at illegal levels and reserved level-3 encodings (R-WALK-009, R-WALK-008).
bool Generator::MapOne(int root, int level, int s2ctx, bool broken) {
  const Root& rt = roots_[root];
  if (level < rt.start) return false;
  const unsigned shift = LevelShift(rt.g, level);
  if (shift >= rt.ia) return false;
  for (int attempt = 0; attempt < 4; ++attempt) {
    uint64_t va = Below(uint64_t{1} << (rt.ia - shift)) << shift;
    if (rt.upper) va |= ~uint64_t{0} << rt.ia;
    auto pa = DescAddress(root, va, level, s2ctx);
    if (!pa || Rd(*pa) != 0) continue;
    uint64_t oa = RandomOa(shift, rt.oa_bits);
    uint64_t d = rt.stage == 1 ? RandomS1Leaf(oa, level) : RandomS2Leaf(oa, level);
    if (broken) {
      // The block encoding (bits[1:0] = 0b01) at whatever level: legal above level 3 where the
      // granule allows it, reserved (invalid) at level 3.
      d &= ~uint64_t{2};
    }
    W(*pa, d);
    roots_[root].leaves.push_back(Leaf{va, level, *pa});
    // A nested stage 1 outputs IPAs: the VM maps the first and last page of the leaf.
    if (s2ctx >= 0 && rt.stage == 1 && oa < out_base_ + out_size_) {
      EnsureVmMapped(s2ctx, oa, uint64_t{1} << std::min(shift, 16u));
      EnsureVmMapped(s2ctx, oa + (uint64_t{1} << shift) - 8, 8);
    }
    return true;
  }
  return false;
}

// Leaves of `root` at the VAs and levels of `other`'s leaves, with other output addresses.
void Generator::MapAlike(int root, int other, int s2ctx) {
  const std::vector<Leaf> leaves = roots_[other].leaves;
  for (const Leaf& l : leaves) {
    if (l.level < roots_[root].start) continue;
    auto pa = DescAddress(root, l.va, l.level, s2ctx);
    if (!pa || Rd(*pa) != 0) continue;
    const Root& rt = roots_[root];
    const unsigned shift = LevelShift(rt.g, l.level);
    const uint64_t oa = RandomOa(shift, rt.oa_bits);
    W(*pa, rt.stage == 1 ? RandomS1Leaf(oa, l.level) : RandomS2Leaf(oa, l.level));
    roots_[root].leaves.push_back(Leaf{l.va, l.level, *pa});
    if (s2ctx >= 0 && rt.stage == 1 && oa < out_base_ + out_size_) {
      EnsureVmMapped(s2ctx, oa, uint64_t{1} << std::min(shift, 16u));
    }
  }
}

void Generator::MapLeaves(int root, int n, int s2ctx) {
  const Root rt = roots_[root];
  for (int i = 0; i < n; ++i) {
    int level = 3;
    const unsigned k = static_cast<unsigned>(Below(100));
    const bool broken = ChanceIn(Focus::kWalk, 4);
    if (k < 20 || broken) {
      // A block: level 2 (any granule) or level 1 (4KB); broken ones anywhere above level 3.
      level = rt.g == 12 && Chance(30) ? 1 : 2;
      if (broken) level = static_cast<int>(Below(4));
    }
    MapOne(root, std::max(level, rt.start), s2ctx, broken);
  }
}

// Identity map of [ipa, ipa + len) in a nested VM's stage 2: blocks where the granule allows
// them at the largest level under the start level, else pages [IHI0070 §3.4.3].
void Generator::EnsureVmMapped(int s2ctx, uint64_t ipa, uint64_t len) {
  if (s2ctx < 0 || !s2_[s2ctx].vm) return;
  const int root = s2_[s2ctx].root;
  const Root rt = roots_[root];
  const int level = s2_[s2ctx].vm_level;
  const unsigned shift = LevelShift(rt.g, level);
  for (uint64_t a = ipa >> shift << shift; a < ipa + len; a += uint64_t{1} << shift) {
    auto pa = DescAddress(root, a, level, -1);
    if (!pa || Rd(*pa) != 0) continue;
    S2Attrs attrs;
    W(*pa, S2Leaf(a, level, attrs));
    roots_[root].leaves.push_back(Leaf{a, level, *pa});
  }
}

std::vector<int> Generator::S1UsersOf(int root) const {
  std::vector<int> out;
  for (size_t i = 0; i < s1_.size(); ++i) {
    if (s1_[i].root0 == root || s1_[i].root1 == root) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::vector<int> Generator::S2UsersOf(int root) const {
  std::vector<int> out;
  for (size_t i = 0; i < s2_.size(); ++i) {
    if (s2_[i].root == root) out.push_back(static_cast<int>(i));
  }
  return out;
}

// The PAs of the table descriptors on the path to `va` at `level` (start level first).
std::vector<uint64_t> Generator::TablePath(int root, uint64_t va, int level) {
  const Root& rt = roots_[root];
  std::vector<uint64_t> path;
  uint64_t table = rt.base;
  for (int l = rt.start; l < level; ++l) {
    const unsigned shift = LevelShift(rt.g, l);
    const unsigned bits = l == rt.start ? rt.start_bits : rt.g - 3;
    const uint64_t pa = table + ((va >> shift) & ((uint64_t{1} << bits) - 1)) * 8;
    const uint64_t d = Rd(pa);
    if ((d & 3) != 3) break;
    path.push_back(pa);
    table = spec::Get(&d, d1::NLTA) << 12 & ~((uint64_t{1} << rt.g) - 1);
  }
  return path;
}

}  // namespace smmuref::conform::gen
