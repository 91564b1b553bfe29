// Stream tables in generated programs: linear tables of every size and 2-level tables with every
// SPLIT (including the reserved values that behave as 6) and every Span, legal and not; StreamIDs
// chosen in every band the geometry creates (reachable, past a Span, under an invalid L1STD,
// beyond LOG2SIZE or SIDSIZE); and L1STD rewrites while live [IHI0070 §5.1, §6.3.24-§6.3.25].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

namespace {
bool SpanValid(unsigned span, unsigned split) { return span != 0 && span <= 11 && span <= split + 1; }
}  // namespace

void Generator::SetupStrtab() {
  unsigned fmt = 0;
  two_level_ = p_.st_level && ChanceIn(Focus::kStrtab, 30);
  if (two_level_) fmt = 1;
  // FMT=0b01 without ST_LEVEL, and the reserved FMT values, behave as linear (R-STRTAB-003).
  if (!two_level_ && ChanceIn(Focus::kStrtab, 5)) fmt = p_.st_level ? 2 + static_cast<unsigned>(Below(2)) : 1;
  unsigned split_field = 0;
  if (two_level_) {
    static const unsigned kSplit[] = {6, 6, 8, 8, 10, 7, 9, 11, 4};
    split_field = kSplit[Below(ChanceIn(Focus::kStrtab, 20) ? 9 : 5)];
    // R-STRTAB-005: SPLIT values other than 6, 8 and 10 behave as 6.
    split_ = split_field == 8 || split_field == 10 ? split_field : 6;
    log2size_ = split_ - 2 + static_cast<unsigned>(Below(8));
    if (log2size_ < split_) log2size_ = split_ + 1;
    log2size_ = std::max(log2size_, SidBits());
    const unsigned l1_log2 = log2size_ > split_ ? log2size_ - split_ + 3 : 3;
    const uint64_t size = std::max<uint64_t>(64, uint64_t{1} << l1_log2);
    strtab_ = Alloc(size, size);
  } else {
    log2size_ = ChanceIn(Focus::kStrtab, 10) ? 10 + static_cast<unsigned>(Below(5))
                                             : 3 + static_cast<unsigned>(Below(5));
    log2size_ = std::max(log2size_, SidBits());
    const uint64_t size = uint64_t{64} << log2size_;
    strtab_ = Alloc(size, size);
  }
  uint64_t cfg = 0;
  spec::Set(&cfg, spec::reg::STRTAB_BASE_CFG_LOG2SIZE, log2size_);
  spec::Set(&cfg, spec::reg::STRTAB_BASE_CFG_SPLIT, split_field);
  spec::Set(&cfg, spec::reg::STRTAB_BASE_CFG_FMT, fmt);
  Linef("reg.write64 STRTAB_BASE 0x%llx",
        static_cast<unsigned long long>(strtab_ | AboveOas(Focus::kStrtab, 3)));
  Linef("reg.write32 STRTAB_BASE_CFG 0x%llx", static_cast<unsigned long long>(cfg));
}

std::optional<uint64_t> Generator::SteAddress(uint32_t sid) const {
  const unsigned eff = std::min(log2size_, p_.sidsize);
  if (eff < 32 && (uint64_t{sid} >> eff) != 0) return std::nullopt;
  if (!two_level_) return strtab_ + uint64_t{sid} * 64;
  auto it = l1_.find(sid >> split_);
  if (it == l1_.end() || !SpanValid(it->second.span, split_)) return std::nullopt;
  const uint32_t low = sid & ((1u << split_) - 1);
  if ((uint64_t{low} >> (it->second.span - 1)) != 0) return std::nullopt;
  return it->second.pa + uint64_t{low} * 64;
}

bool Generator::SidExists(uint32_t sid) const {
  return Sids().empty() || std::find(Sids().begin(), Sids().end(), sid) != Sids().end();
}

unsigned Generator::SidBits() const {
  unsigned bits = 0;
  for (uint32_t sid : Sids()) {
    while (bits < 32 && (uint64_t{sid} >> bits) != 0) ++bits;
  }
  return bits;
}

// An unused StreamID with an STE slot, creating a level-2 array when needed.
std::optional<uint32_t> Generator::FreeSid() {
  const unsigned eff = std::min(log2size_, p_.sidsize);
  // A torn-down stream's StreamID, reused.
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].live || !ChanceIn(Focus::kLifecycle, 50)) continue;
    const uint32_t sid = streams_[i].sid;
    streams_.erase(streams_.begin() + static_cast<std::ptrdiff_t>(i));
    if (SteAddress(sid)) return sid;
    break;
  }
  auto used = [&](uint32_t sid) {
    for (const Stream& s : streams_) if (s.sid == sid) return true;
    return false;
  };
  for (int attempt = 0; attempt < 8; ++attempt) {
    uint32_t sid = Sids().empty()
                       ? static_cast<uint32_t>(Below(std::min<uint64_t>(uint64_t{1} << eff, 1u << 12)))
                       : Pick(Sids());
    if (two_level_) {
      const uint32_t idx = sid >> split_;
      if (!l1_.count(idx)) {
        if (l1_.size() >= 4) continue;
        // A realistic level-2 array (Span = SPLIT+1 covers every StreamID under the L1STD), or a
        // smaller one so that some StreamIDs fall past it.
        L2Array a;
        a.span = Chance(60) ? split_ + 1 : 1 + static_cast<unsigned>(Below(split_ + 1));
        const uint64_t size = uint64_t{64} << (a.span - 1);
        a.pa = Alloc(size, size);
        // Rarely, an L2Ptr above the OAS or a reserved bit set (R-STRTAB-011, R-STRTAB-012).
        uint64_t l1 = L1Std(a.pa | AboveOas(Focus::kStrtab, 3), a.span);
        if (ChanceIn(Focus::kStrtab, 3)) l1 |= Chance(50) ? uint64_t{1} << 5 : uint64_t{1} << (56 + Below(8));
        W(strtab_ + uint64_t{idx} * 8, l1);
        l1_[idx] = a;
        if (enabled_) {
          Dirty d;
          d.what = Dirty::What::kL1Std;
          d.sid = sid;
          dirty_.push_back(d);
        }
      }
      const L2Array& a = l1_[idx];
      if (!SpanValid(a.span, split_)) continue;
      sid = (idx << split_) | (sid & ((1u << (a.span - 1)) - 1));
    }
    if (!used(sid) && SteAddress(sid) && SidExists(sid)) return sid;
  }
  return std::nullopt;
}

// A StreamID in a band the geometry creates, for transactions that test the lookup.
uint32_t Generator::BandSid() {
  if (!Sids().empty()) return Pick(Sids());  // only the platform's StreamIDs exist
  const unsigned eff = std::min(log2size_, p_.sidsize);
  switch (Below(two_level_ ? 6 : 3)) {
    case 0:  // in range, possibly without a stream
      return static_cast<uint32_t>(Below(std::min<uint64_t>(uint64_t{1} << eff, 4096)));
    case 1:  // just past LOG2SIZE / SIDSIZE (R-STRTAB-001)
      return eff >= 32 ? 0xffffffffu : static_cast<uint32_t>((uint64_t{1} << eff) + Below(4));
    case 2:  // far out
      return static_cast<uint32_t>(Below(uint64_t{1} << 32));
    case 3: {  // just past the Span of an L1STD (R-STRTAB-009)
      if (l1_.empty()) return 0;
      auto it = l1_.begin();
      std::advance(it, static_cast<long>(Below(l1_.size())));
      const unsigned span = std::min(it->second.span, split_ + 1);
      const uint32_t low = span == 0 ? 0 : (1u << (span - 1)) - (Chance(50) ? 1 : 0);
      return (it->first << split_) | (low & ((1u << split_) - 1));
    }
    default:  // under an L1STD that was never written (Span 0, R-STRTAB-008)
      return static_cast<uint32_t>(Below(std::min<uint64_t>(uint64_t{1} << eff, 1u << 16)));
  }
}

// A live L1STD changes: its level-2 array moves to a copy, shrinks, grows, or becomes invalid
// (Span 0, reserved, or above SPLIT+1) [IHI0070 §5.1, R-STRTAB-008..010].
void Generator::RewriteL1Std() {
  if (!two_level_ || l1_.empty()) return;
  auto it = l1_.begin();
  std::advance(it, static_cast<long>(Below(l1_.size())));
  const uint32_t idx = it->first;
  L2Array& a = it->second;
  const uint32_t sid = idx << split_;
  for (const Stream& s : streams_) {
    if ((s.sid >> split_) == idx && Chance(50)) TxnStream(s, true);
  }
  const L2Array old = a;
  // An L1STD made invalid earlier (Span 0 or too large) has no level-2 array to copy.
  const bool valid = SpanValid(old.span, split_);
  switch (Below(4)) {
    case 0: {  // move (same span): a copy of every STE
      if (!valid) return;
      const uint64_t size = uint64_t{64} << (a.span - 1);
      a.pa = Alloc(size, size);
      for (auto m = mem_.lower_bound(old.pa); m != mem_.end() && m->first < old.pa + size;) {
        const uint64_t off = m->first - old.pa, v = m->second;
        ++m;
        W(a.pa + off, v);
      }
      break;
    }
    case 1:  // shrink: StreamIDs past the new Span become invalid
      if (a.span <= 1) return;
      a.span = 1 + static_cast<unsigned>(Below(a.span - 1));
      break;
    case 2: {  // grow into a larger copy
      if (valid && a.span >= split_ + 1) return;
      const uint64_t old_size = valid ? uint64_t{64} << (a.span - 1) : 0;
      a.span = split_ + 1;
      const uint64_t size = uint64_t{64} << (a.span - 1);
      a.pa = Alloc(size, size);
      for (auto m = mem_.lower_bound(old.pa); m != mem_.end() && m->first < old.pa + old_size;) {
        const uint64_t off = m->first - old.pa, v = m->second;
        ++m;
        W(a.pa + off, v);
      }
      break;
    }
    default: {  // invalid Span
      static const unsigned kBad[] = {0, 12, 31};
      a.span = Chance(50) ? kBad[Below(3)] : split_ + 2;
      break;
    }
  }
  W(strtab_ + uint64_t{idx} * 8, L1Std(a.pa, a.span));
  for (Stream& s : streams_) {
    if ((s.sid >> split_) != idx) continue;
    if (auto pa = SteAddress(s.sid)) s.ste_pa = *pa;
  }
  Dirty d;
  d.what = Dirty::What::kL1Std;
  d.sid = sid | static_cast<uint32_t>(Below(1u << split_));
  dirty_.push_back(d);
  ++improper_;
}

}  // namespace smmuref::conform::gen
