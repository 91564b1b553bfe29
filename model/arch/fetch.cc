// The values an SMMU read may return, and the fetcher that enumerates them [IHI0070 §3.21.1,
// §3.21.3, §5.1.1, §5.3.1; DDI0487 D8.16]. Rules R-CACHE-001..012; choices C-CACHE-001..005.
// A configuration structure is read one 64-bit word at a time: each word is independently any
// value it may hold (the structure's words may be fetched at different times and cached
// partially, §3.21.3), so a torn read is allowed until the covering invalidation completes.
// Tests: tests/model/arch/fetch_test.cc, tests/model/arch/cache_test.cc, corpus/vectors/cache/*.vec
#include <algorithm>
#include <cstdio>
#include <string>

#include "smmuref/model/arch/cache.h"
#include "smmuref/model/arch/walk.h"
#include "smmuref/spec/coverage.h"

namespace smmuref::model::arch {

namespace {

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

bool IsDescriptor(FetchKind k) { return k == FetchKind::kS1Desc || k == FetchKind::kS2Desc; }

// Whether a value held over [from, until) may have been fetched while caching was possible and
// still be cached: a fetch time in the read's window, after the covering invalidation took
// effect (`since`), while SMMUEN=1.
bool MayBeCached(const CacheState& cache, const FetchTag& tag, uint64_t from, uint64_t until,
                 uint64_t since) {
  const uint64_t lo = std::max({from, since, tag.not_before});
  const uint64_t hi = std::min(until, tag.not_after);
  // R-CACHE-004: nothing is cached while SMMUEN=0.
  return lo < hi && cache.EnabledDuring(lo, hi);
}

}  // namespace

namespace {

// The invalidation bounds of one read, the same for every word of a structure.
struct ReadBounds {
  uint64_t config = 0;       // R-CACHE-001: since the covering configuration invalidation
  uint64_t desc[2][2] = {};  // R-CACHE-002: [leaf][global] since the covering TLB invalidation
  uint64_t lower = 0;        // the earliest of those that apply
};

ReadBounds Bounds(const CacheState& cache, const spec::Profile& p, FetchKind kind,
                  const FetchTag& tag) {
  ReadBounds b;
  b.lower = ~uint64_t{0};
  if (IsConfigKind(kind)) {
    b.config = b.lower = cache.CoveredSince(kind, tag, true, false, p);
  } else if (IsDescriptor(kind)) {
    for (int leaf = 0; leaf < 2; ++leaf) {
      for (int global = 0; global < 2; ++global) {
        if (!leaf && global) continue;  // table entries are never global
        b.desc[leaf][global] = cache.CoveredSince(kind, tag, leaf, global, p);
        b.lower = std::min(b.lower, b.desc[leaf][global]);
      }
    }
  }
  return b;
}

// The bounds of one structure read, computed when a word first needs them: most reads find only
// the current value and the never-cached values before SMMUEN was first set, and never ask.
class LazyBounds {
 public:
  LazyBounds(const CacheState& cache, const spec::Profile& p, FetchKind kind, const FetchTag& tag)
      : cache_(cache), p_(p), kind_(kind), tag_(tag) {}
  const ReadBounds& Get() {
    if (!known_) {
      bounds_ = Bounds(cache_, p_, kind_, tag_);
      known_ = true;
    }
    return bounds_;
  }

 private:
  const CacheState& cache_;
  const spec::Profile& p_;
  FetchKind kind_;
  const FetchTag& tag_;
  bool known_ = false;
  ReadBounds bounds_;
};

void Candidates(const Memory& mem, const CacheState& cache, const spec::Profile& p,
                FetchKind kind, const FetchTag& tag, uint64_t pa, LazyBounds& bounds,
                std::vector<WordCandidate>* candidates) {
  std::vector<WordCandidate>& out = *candidates;
  out.clear();
  // R-CACHE-008: a read that aborts is never cached; an aborting location yields only the abort.
  if (SMMUREF_RULE_IF("R-CACHE-008", mem.Aborts(pa))) {
    out.push_back(WordCandidate{true, 0, true, mem.Now(), 0});
    return;
  }
  const uint64_t now = mem.Now();
  const bool config = IsConfigKind(kind);
  const bool desc = IsDescriptor(kind);
  // R-CACHE-011: a fresh fetch happens now; a read in a walk through an earlier translation
  // context (tag.not_after set) may only return what was held then.
  const bool fresh = tag.not_after == ~uint64_t{0};
  // R-CACHE-010 / C-CACHE-004: a non-coherent walker may see, now, the value stored when the
  // word was last cleaned or any later one; a word stored and cleaned never reads as older
  // values (including the never-written zero).
  const bool noncoherent = !p.coherent_walk && (config || desc);
  const uint64_t cleaned = noncoherent ? mem.CleanedAt(pa) : 0;
  // Values held only before this time are allowed only as cached copies (below it nothing is
  // the current value or, for a non-coherent walker, stored since the last clean).
  const uint64_t fresh_lower = noncoherent && fresh ? std::min(now, cleaned) : now;
  // The first time SMMUEN was 1: nothing held only before it was ever cached.
  const uint64_t enabled_from = cache.FirstEnabledIn(0, ~uint64_t{0});
  // The word's values over time, newest first: store i holds from its time until the next
  // store; before the first store the word holds zero (R-MEM-001).
  const std::span<const WordWrite> h = mem.History(pa);
  const size_t n = h.size();
  for (size_t i = n + 1; i-- > 0;) {
    const WordWrite w = i == 0 ? WordWrite{} : h[i - 1];
    const uint64_t until = i == n ? now + 1 : h[i].seq;
    if (until <= fresh_lower) {  // ended before anything here may have been fetched
      if (until <= enabled_from) {
        SMMUREF_RULE("R-CACHE-004");  // held only while SMMUEN was 0: never cached
        break;
      }
      if (until <= bounds.Get().lower) break;  // replaced before the covering invalidation
    }
    WordCandidate c{false, w.value, i == n, w.seq, w.line};
    bool allowed =
        fresh && (c.current || SMMUREF_RULE_IF("R-CACHE-010", noncoherent && w.seq >= cleaned));
    // R-CACHE-011: the earliest time this holding of the value can have been read (a read that
    // depends on it comes after): its store and the walk's own lower bound, and for a cached
    // copy the invalidation that bounds it.
    uint64_t earliest = std::max(w.seq, tag.not_before);
    if (!allowed && config) {
      // R-CACHE-001 / C-CACHE-001: any value held since the covering invalidation, valid or
      // not (C-CACHE-003: per word).
      allowed = SMMUREF_RULE_IF("R-CACHE-001",
                                MayBeCached(cache, tag, w.seq, until, bounds.Get().config));
    } else if (!allowed && desc) {
      // R-CACHE-002 / R-CACHE-003 / C-CACHE-002: a descriptor whose use produces no fault, held
      // since the TLB invalidation covering the entry it forms.
      const TlbEligibility d = DescriptorTlbEligibility(kind == FetchKind::kS1Desc, w.value,
                                                        tag.level, tag.granule_shift, tag.affd,
                                                        tag.oa_bits);
      // R-CACHE-012: an entry tagged with the ASID comes from a walk through this context, so
      // from its open period; a global leaf may come from any context's walk.
      const uint64_t context = kind == FetchKind::kS1Desc && !d.global ? tag.context_from : 0;
      const uint64_t since = std::max(bounds.Get().desc[d.leaf][d.global], context);
      allowed = SMMUREF_RULE_IF("R-CACHE-002",
                                d.cacheable && MayBeCached(cache, tag, w.seq, until, since));
      earliest = std::max(earliest, since);
    }
    if (!allowed) continue;
    // R-CACHE-011: a read that depends on this value may have been made any time after the
    // earliest allowed holding of it could have been read; a holding outside the invalidation
    // and walk bounds (the same value stored again later, after a TLBI) does not count (only
    // descriptor chains use this: configuration caches are looked up by StreamID).
    bool seen = false;
    for (WordCandidate& o : out) {
      if (o.value != c.value) continue;
      seen = true;
      if (desc) o.first = std::min(o.first, earliest);
    }
    if (seen) continue;
    c.first = desc ? earliest : c.seq;
    out.push_back(c);
  }
}

}  // namespace

std::vector<WordCandidate> WordCandidates(const Memory& mem, const CacheState& cache,
                                          const spec::Profile& p, FetchKind kind,
                                          const FetchTag& tag, uint64_t pa) {
  std::vector<WordCandidate> out;
  LazyBounds bounds(cache, p, kind, tag);
  Candidates(mem, cache, p, kind, tag, pa, bounds, &out);
  return out;
}

spec::Result<std::vector<std::vector<uint64_t>>> AllowedStructureReads(
    const Memory& mem, const CacheState& cache, const spec::Profile& p, FetchKind kind,
    const FetchTag& tag, uint64_t pa, unsigned dwords, size_t limit) {
  // C-CACHE-003: every combination of per-word candidates, exactly or not at all.
  std::vector<std::vector<uint64_t>> reads{{}};
  for (unsigned i = 0; i < dwords; ++i) {
    const auto cands = WordCandidates(mem, cache, p, kind, tag, pa + 8 * i);
    if (cands.empty() || cands.front().abort) return std::vector<std::vector<uint64_t>>{};
    std::vector<std::vector<uint64_t>> next;
    for (const auto& r : reads) {
      for (const WordCandidate& c : cands) {
        if (next.size() >= limit) {
          return spec::Error{"", "allowed-read bound exceeded: more than " + std::to_string(limit) +
                                     " torn reads of the " + KindName(kind) + " (R-CACHE-009)",
                             spec::ErrorKind::kBound};
        }
        next.push_back(r);
        next.back().push_back(c.value);
      }
    }
    reads.swap(next);
  }
  return reads;
}

size_t AllowedSetFetcher::Point(size_t arity) {
  // R-CACHE-005: every read point (a word, a descriptor, a choice) is an odometer digit.
  if (pos_ == choice_.size()) {
    choice_.push_back(0);
    arity_.push_back(arity);
  } else {
    arity_[pos_] = arity;
  }
  return std::min(choice_[pos_++], arity - 1);
}

const AllowedSetFetcher::MemoRead& AllowedSetFetcher::ReadCandidates(FetchKind kind,
                                                                      const FetchTag& tag,
                                                                      uint64_t pa,
                                                                      unsigned dwords) {
  for (const MemoRead& r : reads_) {
    if (r.pa == pa && r.kind == kind && r.dwords == dwords && r.tag == tag) return r;
  }
  MemoRead r{kind, dwords, pa, tag, false, static_cast<uint32_t>(spans_.size())};
  LazyBounds bounds(cache_, p_, kind, tag);
  for (unsigned i = 0; i < dwords && !r.aborts; ++i) {
    Candidates(mem_, cache_, p_, kind, tag, pa + 8 * i, bounds, &scratch_);
    spans_.emplace_back(static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(scratch_.size()));
    pool_.insert(pool_.end(), scratch_.begin(), scratch_.end());
    // R-CACHE-008: a structure with an aborting word is not fetched at all.
    r.aborts = !scratch_.empty() && scratch_.front().abort;
  }
  reads_.push_back(r);
  return reads_.back();
}

bool AllowedSetFetcher::Read(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords,
                             uint64_t* out) {
  last_from_ = 0;
  const MemoRead& read = ReadCandidates(kind, tag, pa, dwords);
  if (read.aborts) return false;
  const uint32_t first_word = read.first_word;
  if (kind == FetchKind::kCd) {
    cache_.NoteCdSource({tag.sid, tag.cd_index, pa, tag.world, tag.vmid});
  }
  if (tag.via_s2 && tag.not_after == ~uint64_t{0}) {
    cache_.NoteStructureSource({kind, tag.sid, tag.cd_index, pa, mem_.Now()});
  }
  for (unsigned i = 0; i < dwords; ++i) {
    const auto [offset, count] = spans_[first_word + i];
    const std::span<const WordCandidate> cands(pool_.data() + offset, count);
    if (cands.empty()) {
      // No value is possible here (a walk through an earlier context that never formed this
      // entry): the run describes nothing and is dropped.
      SMMUREF_CHECK(tag.not_after != ~uint64_t{0}, "a fresh read always has the current value");
      dead_ = true;
      out[i] = 0;
      continue;
    }
    const WordCandidate& c = cands.size() == 1 ? cands[0] : cands[Point(cands.size())];
    out[i] = c.value;
    last_from_ = std::max(last_from_, c.first);
    if (!c.current) provenance_.push_back({nullptr, 0, kind, pa + 8 * i, c.line});
  }
  return true;
}

unsigned AllowedSetFetcher::Choose(const char* id, unsigned n) {
  const unsigned pick = static_cast<unsigned>(Point(n));
  if (pick != 0) provenance_.push_back({id, pick + 1});
  return pick;
}

std::string AllowedSetFetcher::Provenance() const {
  std::string out;
  for (const ProvenanceItem& item : provenance_) {
    char buf[112];
    if (item.choice != nullptr) {
      std::snprintf(buf, sizeof buf, "%s%s alternative %u", out.empty() ? "" : ", ", item.choice,
                    item.alternative);
    } else {
      std::snprintf(buf, sizeof buf, "%s%s@0x%llx from line %d", out.empty() ? "" : ", ",
                    KindName(item.kind), static_cast<unsigned long long>(item.pa), item.line);
    }
    out += buf;
  }
  return out;
}

const std::vector<HeldValue>& AllowedSetFetcher::EarlierCds(unsigned world, uint16_t vmid) {
  // The same for every run of one transaction (the ledger grows as runs read CDs).
  const uint64_t key = (uint64_t{world} << 16) | vmid;
  auto memo = earlier_.find(key);
  if (memo != earlier_.end()) return *memo->second;
  CacheState::EarlierCdsMemo& m = cache_.EarlierCdsMemoFor(key);
  if (m.now != mem_.Now() || m.sources != cache_.cd_sources().size()) {
    m.cds = FindEarlierCds(world, vmid);
    m.now = mem_.Now();
    m.sources = cache_.cd_sources().size();
  }
  earlier_[key] = &m.cds;
  return m.cds;
}

std::vector<HeldValue> AllowedSetFetcher::FindEarlierCds(unsigned world, uint16_t vmid) {
  // R-CACHE-012: the CDs at every location a translation of a stream with these tags has read,
  // over their whole history: each value may have been in use (and have formed TLB entries)
  // from its store until the invalidation covering it took effect after it was replaced.
  // Distinct periods of use of each CD value: periods of one value that overlap or touch are
  // merged; a value stored again after an earlier period of it ended (its covering invalidation
  // took effect) gets a period of its own, so nothing in the gap counts as a time it was in use
  // (a handful per location: a linear search beats a map keyed by the words).
  std::vector<HeldValue> out;
  const uint64_t now = mem_.Now();
  std::vector<uint64_t> times;
  for (const CacheState::CdSource& src : cache_.cd_sources()) {
    if (src.world != world || src.vmid != vmid) continue;
    times.assign(1, 0);
    for (unsigned i = 0; i < 8; ++i) mem_.StoresAfter(src.pa + 8 * i, 0, &times);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    FetchTag tag;
    tag.sid = src.sid;
    tag.cd_index = src.cd_index;
    for (size_t k = 0; k < times.size(); ++k) {
      const uint64_t until = k + 1 < times.size() ? times[k + 1] : now + 1;
      // It is fetched while held and SMMUEN=1, then used until the CFGI that covers it takes
      // effect after it was replaced.
      const uint64_t from = cache_.FirstEnabledIn(times[k], until);
      if (from == ~uint64_t{0}) continue;
      const uint64_t to =
          k + 1 < times.size()
              ? std::min(cache_.FirstCoverAfter(FetchKind::kCd, tag, until, p_), now + 1)
              : now + 1;
      uint64_t dwords[8];
      for (unsigned i = 0; i < 8; ++i) dwords[i] = mem_.At(src.pa + 8 * i, times[k]).value;
      auto same = std::find_if(out.begin(), out.end(), [&](const HeldValue& v) {
        return std::equal(v.dwords.begin(), v.dwords.end(), dwords) && from <= v.to &&
               v.from <= to;
      });
      if (same != out.end()) {
        same->from = std::min(same->from, from);
        same->to = std::max(same->to, to);
        same->open = same->open || to == now + 1;
        continue;
      }
      HeldValue v;
      v.dwords.assign(dwords, dwords + 8);
      v.from = from;
      v.to = to;
      v.open = to == now + 1;
      out.push_back(std::move(v));
    }
  }
  // In the order of the words, as a map keyed by them gave (the order of the choices).
  std::sort(out.begin(), out.end(), [](const HeldValue& a, const HeldValue& b) {
    return a.dwords != b.dwords ? a.dwords < b.dwords : a.from < b.from;
  });
  return out;
}

std::vector<CachedCopy> AllowedSetFetcher::CachedCopies(FetchKind kind, const FetchTag& tag) {
  // R-CACHE-013: a copy fetched after the covering configuration invalidation took effect may
  // still be held under the structure's key, whatever stage 2 now maps its address to.
  std::vector<CachedCopy> out;
  for (const CacheState::StructureSource& s : cache_.structure_sources()) {
    if (s.kind != kind || s.sid != tag.sid) continue;
    // An L1CD is keyed by the part of the index that selects it, a CD by the whole index.
    const unsigned shift = kind == FetchKind::kL1Cd ? tag.l1_shift : 0;
    if ((s.cd_index >> shift) == (tag.cd_index >> shift)) out.push_back({s.pa, s.last});
  }
  if (out.empty()) return out;  // every nested CD fetch asks: scan the invalidations only if needed
  const uint64_t since = cache_.CoveredSince(kind, tag, true, false, p_);
  std::erase_if(out, [since](const CachedCopy& c) { return c.last < since; });
  return out;
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
      dead_ = false;
      ++runs_;
      return true;
    }
    choice_.pop_back();
    arity_.pop_back();
  }
  return false;
}

}  // namespace smmuref::model::arch
