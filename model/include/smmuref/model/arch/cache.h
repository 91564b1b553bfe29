// Caching as allowed sets [IHI0070 §3.21, §4.3-§4.7; spec/design.md, "Caching as allowed sets"].
// An SMMU may use cached configuration and translations until an invalidation that covers them
// completes (a CFGI_*/TLBI_* followed by a consumed CMD_SYNC). The model therefore answers reads
// with every value the architecture allows:
//   - configuration structures (L1STD, STE, L1CD, CD): any value the location held, while SMMUEN
//     was 1, since the last completed invalidation covering it, valid or not, plus the current
//     value;
//   - translation-table descriptors: the current value, plus any valid value held (while SMMUEN
//     was 1) since the last completed TLB invalidation covering that (VMID, ASID, address, level);
//   - a non-coherent walker may also see any value stored since the last mem.clean of the word.
// Each structure read and each walk level chooses independently; the translation function runs
// once per combination (AllowedSetFetcher enumerates them) up to a documented bound.
// Read candidates and the enumerating fetcher: model/arch/fetch.cc.
// Tests: tests/model/arch/cache_test.cc, tests/model/arch/fetch_test.cc, corpus/vectors/cache/*.vec
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "smmuref/model/arch/config.h"
#include "smmuref/model/arch/memory.h"
#include "smmuref/spec/error.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// The scope of one invalidation command [IHI0070 §4.3, §4.4].
struct Invalidation {
  enum class Kind : uint8_t {
    kCfgiSte, kCfgiSteRange, kCfgiCd, kCfgiCdAll,
    kTlbiNhAll, kTlbiNhAsid, kTlbiNhVa, kTlbiNhVaa,
    kTlbiEl2All, kTlbiEl2Asid, kTlbiEl2Va, kTlbiEl2Vaa,
    kTlbiS12Vmall, kTlbiS2Ipa, kTlbiNsnhAll,
  };
  Kind kind = Kind::kCfgiSte;
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool leaf = false;
  unsigned range = 0;         // CFGI_STE_RANGE: 2^(range+1) StreamIDs
  // The operands let an implementation skip or misdirect it (an UNPREDICTABLE range, RES0
  // ASID/VMID bits set, a non-canonical VA, an IPA beyond the IAS, EL2 forms with CR2.E2H
  // UNKNOWN): it is not guaranteed to remove anything (C-CACHE-008..012, C-CACHE-016).
  bool none = false;
  bool e2h = false;           // TLBI_EL2_*: CR2.E2H when it was consumed
  uint16_t vmid = 0;
  uint16_t asid = 0;
  uint64_t addr = 0;          // VA or IPA
  uint64_t length = 0;        // range invalidation in bytes; 0 = the entries holding `addr`
  unsigned tg_shift = 0;      // range invalidation: granule of the entries (12/14/16), 0 = any
  unsigned ttl = 0;           // range invalidation: level hint, 0 = any level
  uint64_t consumed = 0;      // when the command was consumed: it may take effect from then on
  uint64_t completed = 0;     // time of the CMD_SYNC that completed it (guaranteed from then on)
  int line = 0;               // vector line of the command
};

inline bool IsConfigKind(FetchKind k) {
  return k == FetchKind::kL1Std || k == FetchKind::kSte || k == FetchKind::kL1Cd ||
         k == FetchKind::kCd;
}

// The caching-relevant history beyond memory: invalidations (pending until a CMD_SYNC) and the
// periods in which SMMUEN was 1.
class CacheState {
 public:
  void AddPending(const Invalidation& inv) { pending_.push_back(inv); }
  // CMD_SYNC consumed at time `now`: every earlier invalidation is complete.
  void CompletePending(uint64_t now);
  void SetEnabled(bool enabled, uint64_t now);
  bool EnabledDuring(uint64_t from, uint64_t to) const;  // any overlap with [from, to)
  // The first time in [from, to) with SMMUEN=1, ~0 if none.
  uint64_t FirstEnabledIn(uint64_t from, uint64_t to) const;
  // The earliest time a value may have been fetched and still be cached: the latest consumption
  // time of a completed invalidation covering the entry (it may have taken effect as early as
  // then, so later fetches survive it), 0 if none.
  uint64_t CoveredSince(FetchKind kind, const FetchTag& tag, bool leaf_entry, bool global_entry,
                        const spec::Profile& p) const;
  size_t pending() const { return pending_.size(); }
  // The earliest consumption time, at or after `t`, of a completed invalidation covering the
  // entry; ~0 if none: a value held until `t` may be in use until then (R-CACHE-012).
  uint64_t FirstCoverAfter(FetchKind kind, const FetchTag& tag, uint64_t t,
                           const spec::Profile& p) const;

  // C-CMDQ-002: commands may be consumed as soon as a CMDQ_PROD write publishes them (`process`
  // is only the latest point). Each PROD write is noted; the consumer asks when the command at
  // queue position `pos` (index and wrap, log2 size `qs`) was first published after `from`, the
  // CONS value when its run of consumption started.
  void NotePublished(uint64_t time, uint32_t prod) { published_.push_back({time, prod}); }
  uint64_t PublishedAt(uint32_t from, uint32_t pos, unsigned qs, uint64_t fallback) const;
  void ForgetPublished() { published_.clear(); }

  // The ledger of translation contexts (R-CACHE-012): where the CDs that translations read live,
  // with the tags (StreamWorld, VMID) of the stream that read them. Recorded as translations are
  // enumerated (it does not change what is allowed now, only what earlier contexts exist).
  struct CdSource {
    uint32_t sid = 0;
    uint32_t cd_index = 0;
    uint64_t pa = 0;
    unsigned world = 0;
    uint16_t vmid = 0;
  };
  void NoteCdSource(const CdSource& s) const;
  const std::vector<CdSource>& cd_sources() const { return cd_sources_; }

  // The ledger of configuration-cache copies (R-CACHE-013): where each L1CD and CD fetched
  // through stage 2 was read, under the key the configuration cache uses (StreamID, CD-table
  // index), with the latest time a translation read it there. Recorded as translations are
  // enumerated, like the CD sources.
  struct StructureSource {
    FetchKind kind = FetchKind::kCd;
    uint32_t sid = 0;
    uint32_t cd_index = 0;
    uint64_t pa = 0;
    uint64_t last = 0;
  };
  void NoteStructureSource(const StructureSource& s) const;
  const std::vector<StructureSource>& structure_sources() const { return structure_sources_; }

  // What AllowedSetFetcher::EarlierCds found for the tags `key` when the state clock read `now`
  // and the CD-source ledger held `sources` entries. Everything else that search reads (memory
  // stores, completed invalidations, SMMUEN periods) advances the clock, so a memo with the same
  // stamp is the answer again: transactions between state changes share it.
  struct EarlierCdsMemo {
    uint64_t now = ~uint64_t{0};
    size_t sources = 0;
    std::vector<HeldValue> cds;
  };
  EarlierCdsMemo& EarlierCdsMemoFor(uint64_t key) const { return earlier_cds_[key]; }

 private:
  std::vector<Invalidation> pending_;
  // Completed invalidations, kept apart by the caches they can reach (a CFGI_* never covers a
  // TLB entry, a TLBI_* never a configuration structure), so that a read scans only its own.
  struct Completed {
    std::vector<Invalidation> list;
    std::vector<uint64_t> max_consumed;  // [i]: latest consumption in list[0..i]
  };
  Completed completed_config_;
  Completed completed_tlb_;
  const Completed& CompletedFor(FetchKind kind) const {
    return IsConfigKind(kind) ? completed_config_ : completed_tlb_;
  }
  std::vector<std::pair<uint64_t, uint64_t>> enabled_;  // [start, end); end = ~0 while enabled
  mutable std::vector<CdSource> cd_sources_;
  mutable std::vector<StructureSource> structure_sources_;
  mutable std::map<uint64_t, EarlierCdsMemo> earlier_cds_;
  std::vector<std::pair<uint64_t, uint32_t>> published_;  // (time, CMDQ_PROD) since consumed
};

// Whether `inv` covers the cached entry described by kind/tag (R-CFGI-*, R-TLBI-*).
bool Covers(const Invalidation& inv, FetchKind kind, const FetchTag& tag, bool leaf_entry,
            bool global_entry, const spec::Profile& p);

// One value a read of one 64-bit word may return, and where it came from.
struct WordCandidate {
  bool abort = false;
  uint64_t value = 0;
  bool current = true;  // the value in memory now
  uint64_t seq = 0;     // when it was stored
  int line = 0;         // the vector line that stored it
  uint64_t first = 0;   // the earliest time this value can have been read (R-CACHE-011)
};

// The values a read of the word at `pa` may return, the current value first (R-CACHE-001..011).
// A configuration structure is read word by word: each word independently (C-CACHE-003).
std::vector<WordCandidate> WordCandidates(const Memory& mem, const CacheState& cache,
                                          const spec::Profile& p, FetchKind kind,
                                          const FetchTag& tag, uint64_t pa);

// Every value a read of `dwords` words at `pa` may return: each word independently any of its
// candidates (per-64-bit-word tearing, C-CACHE-003). The set is exact or an error naming the
// bound `limit` (R-CACHE-009). For checks that an update sequence never exposes a bad mix of
// old and new words (the driver's hitless STE update); an abort gives an empty vector.
spec::Result<std::vector<std::vector<uint64_t>>> AllowedStructureReads(
    const Memory& mem, const CacheState& cache, const spec::Profile& p, FetchKind kind,
    const FetchTag& tag, uint64_t pa, unsigned dwords, size_t limit);

// Replays a translation once per combination of candidate values. Usage:
//   AllowedSetFetcher f(...); do { outcome = Translate(..., f); } while (f.Next());
class AllowedSetFetcher final : public Fetcher {
 public:
  static constexpr size_t kMaxRuns = 4096;  // R-CACHE-009

  AllowedSetFetcher(const Memory& mem, const CacheState& cache, const spec::Profile& p)
      : mem_(mem), cache_(cache), p_(p) {}
  bool Read(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords,
            uint64_t* out) override;
  unsigned Choose(const char* id, unsigned n) override;
  uint64_t LastFrom() const override { return last_from_; }
  const std::vector<HeldValue>& EarlierCds(unsigned world, uint16_t vmid) override;
  std::vector<CachedCopy> CachedCopies(FetchKind kind, const FetchTag& tag) override;
  void Impossible() override { dead_ = true; }
  // Moves to the next combination; false when every combination has been run.
  bool Next();
  // This run met a read with no possible value (a walk through an earlier translation context
  // that could not have formed the entry): its outcome describes nothing and is dropped.
  bool dead() const { return dead_; }
  size_t runs() const { return runs_; }
  // Which remembered (non-current) values and alternatives this run used, e.g.
  // "STE@0x100040 from line 12, C-EVT-006 alternative 2". Formatted on demand: most runs'
  // outcomes repeat an earlier one and are never reported.
  std::string Provenance() const;

 private:
  size_t Point(size_t arity);  // the next choice point of this run, with its arity
  std::vector<HeldValue> FindEarlierCds(unsigned world, uint16_t vmid);
  const Memory& mem_;
  const CacheState& cache_;
  const spec::Profile& p_;
  std::vector<size_t> choice_;  // per read point in this run
  std::vector<size_t> arity_;
  size_t pos_ = 0;
  size_t runs_ = 1;
  struct ProvenanceItem {
    const char* choice = nullptr;  // a Choose() alternative, or else a remembered word:
    unsigned alternative = 0;
    FetchKind kind = FetchKind::kSte;
    uint64_t pa = 0;
    int line = 0;
  };
  std::vector<ProvenanceItem> provenance_;
  uint64_t last_from_ = 0;
  bool dead_ = false;
  std::map<uint64_t, const std::vector<HeldValue>*> earlier_;  // EarlierCds by tags, per transaction
  // The candidates of every read this transaction made: memory and the invalidation history do
  // not change while its runs are enumerated, so a read point met again in a later run (the
  // same kind, tag and address) has the same candidates. Word w of read r is
  // pool_[spans_[reads_[r].first_word + w]].
  struct MemoRead {
    FetchKind kind;
    unsigned dwords;
    uint64_t pa;
    FetchTag tag;
    bool aborts;          // a word aborts: the structure is not fetched (R-CACHE-008)
    uint32_t first_word;  // index into spans_
  };
  const MemoRead& ReadCandidates(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords);
  std::vector<MemoRead> reads_;
  std::vector<std::pair<uint32_t, uint32_t>> spans_;  // (offset into pool_, count) per word
  std::vector<WordCandidate> pool_;
  std::vector<WordCandidate> scratch_;
};

}  // namespace smmuref::model::arch
