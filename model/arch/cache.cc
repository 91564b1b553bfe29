// Caching as allowed sets [IHI0070 §3.21, §4.3-§4.7]. Rules R-CACHE-*, R-CFGI-*, R-TLBI-*.
// Tests: tests/model/arch/cache_test.cc, corpus/vectors/cache/*.vec
#include "smmuref/model/arch/cache.h"

#include <algorithm>
#include <cstdio>

#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using Kind = Invalidation::Kind;

namespace {

bool IsConfig(FetchKind k) {
  return k == FetchKind::kL1Std || k == FetchKind::kSte || k == FetchKind::kL1Cd ||
         k == FetchKind::kCd;
}

const char* KindName(FetchKind k) {
  switch (k) {
    case FetchKind::kL1Std: return "L1STD";
    case FetchKind::kSte: return "STE";
    case FetchKind::kL1Cd: return "L1CD";
    case FetchKind::kCd: return "CD";
    case FetchKind::kS1Desc: return "S1 descriptor";
    case FetchKind::kS2Desc: return "S2 descriptor";
    case FetchKind::kQueue: return "queue";
  }
  return "?";
}

bool SteRangeCovers(const Invalidation& inv, uint32_t sid) {
  // R-CFGI-002: CFGI_STE_RANGE covers the 2^(Range+1) StreamIDs aligned around SID; Range=31
  // (CFGI_ALL) covers every StreamID.
  if (SMMUREF_RULE_IF("R-CFGI-002", inv.range >= 31)) return true;
  const uint64_t span = uint64_t{1} << (inv.range + 1);
  return SMMUREF_RULE_IF("R-CFGI-002",
                         (uint64_t{sid} & ~(span - 1)) == (uint64_t{inv.sid} & ~(span - 1)));
}

// Configuration caches [IHI0070 §4.3].
bool CoversConfig(const Invalidation& inv, FetchKind kind, const FetchTag& tag) {
  if (inv.kind == Kind::kCfgiSteRange) return SteRangeCovers(inv, tag.sid);
  const bool same_sid = inv.sid == tag.sid;
  const bool whole_sid = inv.kind == Kind::kCfgiCdAll || inv.kind == Kind::kCfgiSte;
  switch (kind) {
    case FetchKind::kSte:
      // R-CFGI-001: CFGI_STE(SID) covers the STE of SID (Leaf=1 or 0).
      return SMMUREF_RULE_IF("R-CFGI-001", inv.kind == Kind::kCfgiSte && same_sid);
    case FetchKind::kL1Std:
      // R-CFGI-003: an L1STD is covered only by CFGI_STE with Leaf=0 for a StreamID under it.
      return SMMUREF_RULE_IF("R-CFGI-003",
                             inv.kind == Kind::kCfgiSte && !inv.leaf &&
                                 (inv.sid >> tag.l1_shift) == (tag.sid >> tag.l1_shift));
    case FetchKind::kCd:
      // R-CFGI-004: a CD cached through SID is covered by CFGI_CD(SID, its index), CFGI_CD_ALL(SID)
      // and CFGI_STE(SID) (invalidating an STE invalidates what was cached through it).
      return SMMUREF_RULE_IF("R-CFGI-004", same_sid && (whole_sid || (inv.kind == Kind::kCfgiCd &&
                                                                     inv.ssid == tag.cd_index)));
    case FetchKind::kL1Cd:
      // R-CFGI-005: an L1CD is covered by CFGI_CD with Leaf=0 for an index under it,
      // CFGI_CD_ALL(SID) and CFGI_STE(SID).
      return SMMUREF_RULE_IF(
          "R-CFGI-005",
          same_sid && (whole_sid || (inv.kind == Kind::kCfgiCd && !inv.leaf &&
                                     (inv.ssid >> tag.l1_shift) == (tag.cd_index >> tag.l1_shift))));
    default:
      return false;
  }
}

// Whether a VA/IPA invalidation reaches the cached entry for tag.va at tag.level.
bool AddressCovers(const Invalidation& inv, const FetchTag& tag, bool leaf_entry) {
  // R-TLBI-004: Leaf=1 need only remove last-level (block/page) entries; walk-cache entries for
  // table descriptors survive it.
  if (SMMUREF_RULE_IF("R-TLBI-004", inv.leaf && !leaf_entry)) return false;
  const unsigned g = tag.granule_shift;
  const unsigned shift = g + static_cast<unsigned>(3 - tag.level) * (g - 3);
  const uint64_t mask = shift >= 64 ? ~uint64_t{0} : (uint64_t{1} << shift) - 1;
  const uint64_t base = tag.va & ~mask;
  if (inv.length == 0) {
    // R-TLBI-005: a non-range invalidation removes the entries that translate Addr, whatever
    // their size.
    return SMMUREF_RULE_IF("R-TLBI-005", (inv.addr & ~mask) == base);
  }
  // R-TLBI-006: a range invalidation (TG != 0) removes entries of granule TG that intersect
  // [Addr, Addr + (NUM+1) x 2^SCALE x granule); with TTL != 0 only leaf entries of level TTL.
  if (inv.tg_shift != g) return false;
  if (inv.ttl != 0 && leaf_entry && static_cast<int>(inv.ttl) != tag.level) return false;
  const uint64_t last = inv.addr + inv.length - 1 < inv.addr ? ~uint64_t{0}
                                                              : inv.addr + inv.length - 1;
  return SMMUREF_RULE_IF("R-TLBI-006", inv.addr <= base + mask && base <= last);
}

bool VmidMatches(const Invalidation& inv, const FetchTag& tag, const spec::Profile& p) {
  // R-TLBI-007: with S2P=0 the VMID operand is RES0 and matches every entry.
  if (SMMUREF_RULE_IF("R-TLBI-007", inv.vmid_any || !p.s2p)) return true;
  return inv.vmid == tag.vmid;
}

// Stage-1 TLB and walk-cache entries [IHI0070 §4.4].
bool CoversStage1(const Invalidation& inv, const FetchTag& tag, bool leaf, bool global,
                  const spec::Profile& p) {
  if (tag.el2) {
    // R-TLBI-008: EL2 and EL2-E2H StreamWorld entries are reached only by TLBI_EL2_*; NS-EL2
    // entries carry no ASID: EL2_VA ignores its ASID for them and EL2_ASID need not remove them.
    bool covers = false;
    switch (inv.kind) {
      case Kind::kTlbiEl2All: covers = true; break;
      case Kind::kTlbiEl2Asid: covers = tag.e2h && !global && inv.asid == tag.asid; break;
      case Kind::kTlbiEl2Va:
        covers = (global || !tag.e2h || inv.asid == tag.asid) && AddressCovers(inv, tag, leaf);
        break;
      case Kind::kTlbiEl2Vaa: covers = AddressCovers(inv, tag, leaf); break;
      default: break;
    }
    return SMMUREF_RULE_IF("R-TLBI-008", covers);
  }
  const bool vmid = VmidMatches(inv, tag, p);
  switch (inv.kind) {
    // R-TLBI-001: NH_ALL removes every NS-EL1 entry of the VMID, global ones included.
    case Kind::kTlbiNhAll: return SMMUREF_RULE_IF("R-TLBI-001", vmid);
    // R-TLBI-002: NH_ASID removes the non-global entries of ASID in the VMID.
    case Kind::kTlbiNhAsid:
      return SMMUREF_RULE_IF("R-TLBI-002", vmid && !global && inv.asid == tag.asid);
    // R-TLBI-003: NH_VA removes the VA's entries of ASID and its global entries of any ASID;
    // NH_VAA those of every ASID.
    case Kind::kTlbiNhVa:
      return SMMUREF_RULE_IF("R-TLBI-003", vmid && (global || inv.asid == tag.asid) &&
                                               AddressCovers(inv, tag, leaf));
    case Kind::kTlbiNhVaa:
      return SMMUREF_RULE_IF("R-TLBI-003", vmid && AddressCovers(inv, tag, leaf));
    // R-TLBI-009: S12_VMALL removes every entry of the VMID at both stages; NSNH_ALL every
    // Non-secure non-EL2 entry.
    case Kind::kTlbiS12Vmall: return SMMUREF_RULE_IF("R-TLBI-009", vmid);
    case Kind::kTlbiNsnhAll: SMMUREF_RULE("R-TLBI-009"); return true;
    default: return false;
  }
}

bool CoversStage2(const Invalidation& inv, const FetchTag& tag, bool leaf,
                  const spec::Profile& p) {
  const bool vmid = VmidMatches(inv, tag, p);
  switch (inv.kind) {
    // R-TLBI-010: S2_IPA removes the stage-2 entries of the VMID that translate the IPA.
    case Kind::kTlbiS2Ipa:
      return SMMUREF_RULE_IF("R-TLBI-010", vmid && AddressCovers(inv, tag, leaf));
    case Kind::kTlbiS12Vmall: return SMMUREF_RULE_IF("R-TLBI-009", vmid);
    case Kind::kTlbiNsnhAll: SMMUREF_RULE("R-TLBI-009"); return true;
    default: return false;
  }
}

// A stage-1 invalidation that removes combined (nested) entries translating s1_va.
bool CoversCombined(const Invalidation& inv, const FetchTag& tag, const spec::Profile& p) {
  FetchTag s1 = tag;
  s1.va = tag.s1_va;
  s1.level = 3;
  s1.granule_shift = 12;
  return CoversStage1(inv, s1, true, false, p);
}

}  // namespace

bool Covers(const Invalidation& inv, FetchKind kind, const FetchTag& tag, bool leaf_entry,
            bool global_entry, const spec::Profile& p) {
  if (IsConfig(kind)) return CoversConfig(inv, kind, tag);
  if (kind == FetchKind::kS1Desc) return CoversStage1(inv, tag, leaf_entry, global_entry, p);
  if (kind == FetchKind::kS2Desc) return CoversStage2(inv, tag, leaf_entry, p);
  return false;
}

void CacheState::CompletePending(uint64_t now) {
  // R-SYNC-001: a consumed CMD_SYNC completes every invalidation consumed before it; before that
  // an invalidation guarantees nothing.
  if (!pending_.empty()) SMMUREF_RULE("R-SYNC-001");
  for (Invalidation& inv : pending_) {
    inv.completed = now;
    completed_.push_back(inv);
  }
  pending_.clear();
}

void CacheState::SetEnabled(bool enabled, uint64_t now) {
  const bool open = !enabled_.empty() && enabled_.back().second == ~uint64_t{0};
  if (enabled && !open) enabled_.push_back({now, ~uint64_t{0}});
  if (!enabled && open) enabled_.back().second = now;
}

bool CacheState::EnabledDuring(uint64_t from, uint64_t to) const {
  for (const auto& [start, end] : enabled_) {
    if (start < to && from < end) return true;
  }
  SMMUREF_RULE("R-CACHE-004");  // held only while SMMUEN was 0: never cached
  return false;
}

uint64_t CacheState::CoveredSince(FetchKind kind, const FetchTag& tag, bool leaf_entry,
                                  bool global_entry, const spec::Profile& p) const {
  // R-SYNC-003: a completed invalidation removes what was cached before it took effect, which
  // may be as early as its consumption; a value fetched after that survives it.
  uint64_t since = 0;
  if (kind == FetchKind::kS2Desc && tag.nested) {
    // R-TLBI-011: S2_IPA need not remove combined stage-1+2 entries of a nested translation.
    // A value survives in a stage-2 entry if held since the last stage-2 invalidation (s2), and
    // in a combined entry formed after the last stage-1 invalidation (s1) from a stage-2 entry
    // alive then, i.e. if held since the last stage-2 invalidation that completed before s1 was
    // consumed. S12_VMALL and NSNH_ALL count as both.
    SMMUREF_RULE("R-TLBI-011");
    uint64_t s2 = 0, s1 = 0;
    for (const Invalidation& inv : completed_) {
      const bool both = inv.kind == Kind::kTlbiS12Vmall || inv.kind == Kind::kTlbiNsnhAll;
      if (Covers(inv, kind, tag, leaf_entry, global_entry, p)) s2 = std::max(s2, inv.consumed);
      if ((both && Covers(inv, kind, tag, leaf_entry, global_entry, p)) ||
          (!both && CoversCombined(inv, tag, p))) {
        s1 = std::max(s1, inv.consumed);
      }
    }
    uint64_t s2_before_s1 = 0;
    for (const Invalidation& inv : completed_) {
      const bool both = inv.kind == Kind::kTlbiS12Vmall || inv.kind == Kind::kTlbiNsnhAll;
      const bool in_time = both ? inv.consumed <= s1 : inv.completed < s1;
      if (in_time && Covers(inv, kind, tag, leaf_entry, global_entry, p)) {
        s2_before_s1 = std::max(s2_before_s1, inv.consumed);
      }
    }
    return std::min(s2, s2_before_s1);
  }
  for (const Invalidation& inv : completed_) {
    if (Covers(inv, kind, tag, leaf_entry, global_entry, p)) since = std::max(since, inv.consumed);
  }
  if (since != 0) SMMUREF_RULE("R-SYNC-003");
  return since;
}

namespace {

struct DescInfo {
  bool cacheable = false;  // a valid block/page/table descriptor legal at this level
  bool leaf = false;
  bool global = false;
};

DescInfo Describe(FetchKind kind, const FetchTag& tag, uint64_t desc) {
  DescInfo d;
  const spec::Field valid = kind == FetchKind::kS1Desc ? spec::desc_s1::Valid : spec::desc_s2::Valid;
  const spec::Field type = kind == FetchKind::kS1Desc ? spec::desc_s1::Type : spec::desc_s2::Type;
  // R-CACHE-003: invalid descriptors are never cached.
  if (SMMUREF_RULE_IF("R-CACHE-003", !spec::Get(&desc, valid))) return d;
  const bool table_or_page = spec::Get(&desc, type);
  if (tag.level >= 3) {
    d.cacheable = table_or_page;
    d.leaf = true;
  } else if (table_or_page) {
    d.cacheable = true;
  } else {
    // Blocks only where the granule allows them (no 52-bit support in scope).
    d.cacheable = tag.granule_shift == 12 ? (tag.level == 1 || tag.level == 2) : tag.level == 2;
    d.leaf = true;
  }
  d.global = kind == FetchKind::kS1Desc && d.leaf && !spec::Get(&desc, spec::desc_s1::nG);
  return d;
}

}  // namespace

std::vector<Candidate> ReadCandidates(const Memory& mem, const CacheState& cache,
                                      const spec::Profile& p, FetchKind kind, const FetchTag& tag,
                                      uint64_t pa, unsigned dwords) {
  for (unsigned i = 0; i < dwords; ++i) {
    // R-CACHE-008: a read that aborts is never cached; an aborting location yields only the abort.
    if (mem.Aborts(pa + 8 * i)) {
      SMMUREF_RULE("R-CACHE-008");
      return {Candidate{true, {}, true, mem.Now(), 0}};
    }
  }
  const uint64_t now = mem.Now();
  const bool config = IsConfig(kind);
  const bool desc = kind == FetchKind::kS1Desc || kind == FetchKind::kS2Desc;
  // R-CACHE-010: a non-coherent walker may see, in each word, the value stored when the word was
  // last cleaned or any later one; a snapshot is visible when every word of it is.
  const bool noncoherent = !p.coherent_walk && (config || desc);
  uint64_t visible_from = now;
  if (noncoherent) {
    for (unsigned i = 0; i < dwords; ++i) visible_from = std::min(visible_from, mem.CleanedAt(pa + 8 * i));
  }
  // R-CACHE-001/-002: the earliest time a cached value may have been fetched.
  uint64_t lower = visible_from;
  if (config) lower = std::min(lower, cache.CoveredSince(kind, tag, true, false, p));
  if (desc) {
    lower = std::min({lower, cache.CoveredSince(kind, tag, false, false, p),
                      cache.CoveredSince(kind, tag, true, false, p),
                      cache.CoveredSince(kind, tag, true, true, p)});
  }
  std::vector<uint64_t> times{lower};
  for (unsigned i = 0; i < dwords; ++i) mem.StoresAfter(pa + 8 * i, lower, &times);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());

  std::vector<Candidate> out;
  for (size_t k = times.size(); k-- > 0;) {  // newest first: the current value leads
    const uint64_t t = times[k];
    const uint64_t until = k + 1 < times.size() ? times[k + 1] : now + 1;
    Candidate c;
    c.current = k + 1 == times.size();
    c.seq = t;
    uint64_t newest = 0;
    bool visible = noncoherent;
    for (unsigned i = 0; i < dwords; ++i) {
      const WordWrite w = mem.At(pa + 8 * i, t);
      c.dwords.push_back(w.value);
      if (w.seq >= newest) { newest = w.seq; c.line = w.line; }
      // The word's value at t is visible if it is the cleaned store or a later one (a word never
      // stored to holds its only value).
      visible = visible && (w.seq >= mem.CleanedAt(pa + 8 * i) || w.seq == 0);
    }
    bool allowed = c.current || SMMUREF_RULE_IF("R-CACHE-010", visible);
    if (!allowed && config) {
      const uint64_t since = cache.CoveredSince(kind, tag, true, false, p);
      // R-CACHE-001: any configuration value held since the covering invalidation completed,
      // valid or not; R-CACHE-004: nothing is cached while SMMUEN=0.
      allowed = until > since && cache.EnabledDuring(std::max(t, since), until);
      if (allowed) SMMUREF_RULE("R-CACHE-001");
    } else if (!allowed && desc) {
      const DescInfo d = Describe(kind, tag, c.dwords[0]);
      const uint64_t since = cache.CoveredSince(kind, tag, d.leaf, d.global, p);
      // R-CACHE-002: a valid descriptor held since the covering TLB invalidation completed.
      allowed = d.cacheable && until > since && cache.EnabledDuring(std::max(t, since), until);
      if (allowed) SMMUREF_RULE("R-CACHE-002");
    }
    if (!allowed) continue;
    bool seen = false;
    for (const Candidate& o : out) seen = seen || o.dwords == c.dwords;
    if (!seen) out.push_back(std::move(c));
  }
  return out;
}

bool AllowedSetFetcher::Read(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords,
                             uint64_t* out) {
  std::vector<Candidate> cands = ReadCandidates(mem_, cache_, p_, kind, tag, pa, dwords);
  if (pos_ == choice_.size()) {
    choice_.push_back(0);
    arity_.push_back(cands.size());
  } else {
    arity_[pos_] = cands.size();
  }
  const size_t pick = std::min(choice_[pos_++], cands.size() - 1);
  const Candidate& c = cands[pick];
  if (!c.current) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%s@0x%llx from line %d", provenance_.empty() ? "" : ", ",
                  KindName(kind), static_cast<unsigned long long>(pa), c.line);
    provenance_ += buf;
  }
  if (c.abort) return false;
  std::copy(c.dwords.begin(), c.dwords.end(), out);
  return true;
}

unsigned AllowedSetFetcher::Choose(const char* id, unsigned n) {
  // R-CACHE-005: a choice point is enumerated like a read with n candidate values.
  if (pos_ == choice_.size()) {
    choice_.push_back(0);
    arity_.push_back(n);
  } else {
    arity_[pos_] = n;
  }
  const unsigned pick = static_cast<unsigned>(std::min<size_t>(choice_[pos_++], n - 1));
  if (pick != 0) {
    provenance_ += std::string(provenance_.empty() ? "" : ", ") + id + " alternative " +
                   std::to_string(pick + 1);
  }
  return pick;
}

bool AllowedSetFetcher::Next() {
  // R-CACHE-005: every read chooses independently; the runs enumerate the choices like an
  // odometer over this run's read points (later points are rediscovered after a change).
  choice_.resize(pos_);
  arity_.resize(pos_);
  while (!choice_.empty()) {
    if (choice_.back() + 1 < arity_.back()) {
      SMMUREF_RULE("R-CACHE-005");
      ++choice_.back();
      pos_ = 0;
      provenance_.clear();
      ++runs_;
      return true;
    }
    choice_.pop_back();
    arity_.pop_back();
  }
  return false;
}

}  // namespace smmuref::model::arch
