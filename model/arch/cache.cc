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

// The address a stage-1 TLB entry is held for: the top byte of a VA is not part of it (with TBI
// the tag is ignored; without TBI a VA whose top bits differ from VA[55] faults and is never
// cached), so it reads as the sign extension of VA[55]. Stage-2 entries hold the IPA.
uint64_t EntryAddress(const FetchTag& tag, bool stage1) {
  if (!stage1) return tag.va;
  const uint64_t low = tag.va & ((uint64_t{1} << 56) - 1);
  return ((tag.va >> 55) & 1) ? low | 0xff00000000000000ull : low;
}

// Whether a VA/IPA invalidation reaches the cached entry for tag.va at tag.level.
bool AddressCovers(const Invalidation& inv, const FetchTag& tag, bool leaf_entry, bool stage1) {
  // R-TLBI-004: Leaf=1 need only remove last-level (block/page) entries; walk-cache entries for
  // table descriptors survive it.
  if (SMMUREF_RULE_IF("R-TLBI-004", inv.leaf && !leaf_entry)) return false;
  const unsigned g = tag.granule_shift;
  const unsigned shift = g + static_cast<unsigned>(3 - tag.level) * (g - 3);
  const uint64_t mask = shift >= 64 ? ~uint64_t{0} : (uint64_t{1} << shift) - 1;
  const uint64_t base = EntryAddress(tag, stage1) & ~mask;
  if (inv.length == 0) {
    // R-TLBI-005: a non-range invalidation removes the entries that translate Addr, whatever
    // their size.
    return SMMUREF_RULE_IF("R-TLBI-005", (inv.addr & ~mask) == base);
  }
  // R-TLBI-006: a range invalidation (TG != 0) removes entries of granule TG that intersect
  // [Addr, Addr + (NUM+1) x 2^SCALE x granule). C-CACHE-014: with TTL != 0 only the leaf entries
  // of level TTL and the table entries of the levels above it are required.
  if (inv.tg_shift != g) return false;
  if (inv.ttl != 0 && leaf_entry && static_cast<int>(inv.ttl) != tag.level) return false;
  if (inv.ttl != 0 && !leaf_entry && tag.level >= static_cast<int>(inv.ttl)) return false;
  // C-CACHE-013: a range from the TTB0 half is not required to reach into the TTB1 half.
  if (stage1 && ((inv.addr >> 55) & 1) != ((base >> 55) & 1)) return false;
  const uint64_t last = inv.addr + inv.length - 1 < inv.addr ? ~uint64_t{0}
                                                              : inv.addr + inv.length - 1;
  return SMMUREF_RULE_IF("R-TLBI-006", inv.addr <= base + mask && base <= last);
}

bool VmidMatches(const Invalidation& inv, const FetchTag& tag, const spec::Profile& p) {
  // R-TLBI-007: with S2P=0 the VMID operand is RES0; a zero operand matches every entry (all
  // have VMID 0), a non-zero one guarantees nothing (DecodeInvalidation, C-CACHE-009).
  return SMMUREF_RULE_IF("R-TLBI-007", !p.s2p) || inv.vmid == tag.vmid;
}

// Stage-1 TLB and walk-cache entries [IHI0070 §4.4].
bool CoversStage1(const Invalidation& inv, const FetchTag& tag, bool leaf, bool global,
                  const spec::Profile& p) {
  if (tag.el2) {
    // R-TLBI-008: EL2 and EL2-E2H StreamWorld entries are reached only by TLBI_EL2_*. C-CACHE-016:
    // EL2_VA and EL2_VAA act on the StreamWorld CR2.E2H selected when they were consumed (the
    // other EL2 world's entries are not required), EL2_ASID on NS-EL2-E2H entries only, and
    // NS-EL2 entries have no ASID.
    const bool e2h_world = tag.world == static_cast<unsigned>(StreamWorld::kNsEl2E2H);
    const bool in_scope = inv.e2h == e2h_world;
    bool covers = false;
    switch (inv.kind) {
      case Kind::kTlbiEl2All: covers = true; break;
      case Kind::kTlbiEl2Asid: covers = e2h_world && !global && inv.asid == tag.asid; break;
      case Kind::kTlbiEl2Va:
        covers = in_scope && (!e2h_world || global || inv.asid == tag.asid) &&
                 AddressCovers(inv, tag, leaf, true);
        break;
      case Kind::kTlbiEl2Vaa: covers = in_scope && AddressCovers(inv, tag, leaf, true); break;
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
                                               AddressCovers(inv, tag, leaf, true));
    case Kind::kTlbiNhVaa:
      return SMMUREF_RULE_IF("R-TLBI-003", vmid && AddressCovers(inv, tag, leaf, true));
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
      return SMMUREF_RULE_IF("R-TLBI-010", vmid && AddressCovers(inv, tag, leaf, false));
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
  // C-CACHE-008..012, C-CACHE-016: an invalidation whose operands the architecture lets an
  // implementation ignore or interpret in an UNPREDICTABLE way guarantees nothing.
  // C-CACHE-007: only the required scope counts; over-invalidation is a device's freedom.
  if (inv.none) return false;
  if (IsConfigKind(kind)) return CoversConfig(inv, kind, tag);
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
    const bool config = inv.kind == Kind::kCfgiSte || inv.kind == Kind::kCfgiSteRange ||
                        inv.kind == Kind::kCfgiCd || inv.kind == Kind::kCfgiCdAll;
    Completed& c = config ? completed_config_ : completed_tlb_;
    c.max_consumed.push_back(
        std::max(inv.consumed, c.list.empty() ? 0 : c.max_consumed.back()));
    c.list.push_back(inv);
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

uint64_t CacheState::PublishedAt(uint32_t from, uint32_t pos, unsigned qs,
                                 uint64_t fallback) const {
  const uint32_t mask = (2u << qs) - 1;
  const uint32_t want = (pos - from) & mask;  // how far past `from` the command is
  for (const auto& [time, prod] : published_) {
    if (((prod - from) & mask) > want) return time;
  }
  return fallback;
}

uint64_t CacheState::FirstEnabledIn(uint64_t from, uint64_t to) const {
  for (const auto& [start, end] : enabled_) {
    if (start < to && from < end) return std::max(start, from);
  }
  return ~uint64_t{0};
}

uint64_t CacheState::CoveredSince(FetchKind kind, const FetchTag& tag, bool leaf_entry,
                                  bool global_entry, const spec::Profile& p) const {
  // R-SYNC-003 / C-CACHE-006: a completed invalidation removes what was cached before it took
  // effect, which may be as early as its consumption; a value fetched after that survives it.
  uint64_t since = 0;
  if (kind == FetchKind::kS2Desc && tag.nested) {
    // R-TLBI-011 / C-CACHE-015: S2_IPA need not remove combined stage-1+2 entries of a nested
    // translation.
    // A value survives in a stage-2 entry if held since the last stage-2 invalidation (s2), and
    // in a combined entry formed after the last stage-1 invalidation (s1) from a stage-2 entry
    // alive then, i.e. if held since the last stage-2 invalidation that completed before s1 was
    // consumed. S12_VMALL and NSNH_ALL count as both.
    SMMUREF_RULE("R-TLBI-011");
    uint64_t s2 = 0, s1 = 0;
    for (const Invalidation& inv : completed_tlb_.list) {
      const bool both = inv.kind == Kind::kTlbiS12Vmall || inv.kind == Kind::kTlbiNsnhAll;
      if (Covers(inv, kind, tag, leaf_entry, global_entry, p)) s2 = std::max(s2, inv.consumed);
      if ((both && Covers(inv, kind, tag, leaf_entry, global_entry, p)) ||
          (!both && CoversCombined(inv, tag, p))) {
        s1 = std::max(s1, inv.consumed);
      }
    }
    uint64_t s2_before_s1 = 0;
    for (const Invalidation& inv : completed_tlb_.list) {
      const bool both = inv.kind == Kind::kTlbiS12Vmall || inv.kind == Kind::kTlbiNsnhAll;
      const bool in_time = both ? inv.consumed <= s1 : inv.completed < s1;
      if (in_time && Covers(inv, kind, tag, leaf_entry, global_entry, p)) {
        s2_before_s1 = std::max(s2_before_s1, inv.consumed);
      }
    }
    return std::min(s2, s2_before_s1);
  }
  // The latest covering one: newest first, until none earlier can be later than what was found.
  const Completed& c = CompletedFor(kind);
  for (size_t i = c.list.size(); i-- > 0 && c.max_consumed[i] > since;) {
    const Invalidation& inv = c.list[i];
    if (Covers(inv, kind, tag, leaf_entry, global_entry, p)) since = std::max(since, inv.consumed);
  }
  if (since != 0) SMMUREF_RULE("R-SYNC-003");
  return since;
}

void CacheState::NoteCdSource(const CdSource& src) const {
  for (const CdSource& c : cd_sources_) {
    if (c.pa == src.pa && c.world == src.world && c.vmid == src.vmid) return;
  }
  cd_sources_.push_back(src);
}

void CacheState::NoteStructureSource(const StructureSource& src) const {
  for (StructureSource& c : structure_sources_) {
    if (c.kind == src.kind && c.sid == src.sid && c.cd_index == src.cd_index && c.pa == src.pa) {
      c.last = std::max(c.last, src.last);
      return;
    }
  }
  structure_sources_.push_back(src);
}

uint64_t CacheState::FirstCoverAfter(FetchKind kind, const FetchTag& tag, uint64_t t,
                                     const spec::Profile& p) const {
  uint64_t first = ~uint64_t{0};
  for (const Invalidation& inv : CompletedFor(kind).list) {
    if (inv.consumed >= t && Covers(inv, kind, tag, true, false, p)) first = std::min(first, inv.consumed);
  }
  return first;
}

}  // namespace smmuref::model::arch
