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
// Tests: tests/model/arch/cache_test.cc, corpus/vectors/cache/*.vec
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "smmuref/model/arch/memory.h"
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
  bool vmid_any = false;      // VMID operand is RES0 (S2P=0): every VMID
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

// The caching-relevant history beyond memory: invalidations (pending until a CMD_SYNC) and the
// periods in which SMMUEN was 1.
class CacheState {
 public:
  void AddPending(const Invalidation& inv) { pending_.push_back(inv); }
  // CMD_SYNC consumed at time `now`: every earlier invalidation is complete.
  void CompletePending(uint64_t now);
  void SetEnabled(bool enabled, uint64_t now);
  bool EnabledDuring(uint64_t from, uint64_t to) const;  // any overlap with [from, to)
  // The earliest time a value may have been fetched and still be cached: the latest consumption
  // time of a completed invalidation covering the entry (it may have taken effect as early as
  // then, so later fetches survive it), 0 if none.
  uint64_t CoveredSince(FetchKind kind, const FetchTag& tag, bool leaf_entry, bool global_entry,
                        const spec::Profile& p) const;
  size_t pending() const { return pending_.size(); }

 private:
  std::vector<Invalidation> pending_;
  std::vector<Invalidation> completed_;
  std::vector<std::pair<uint64_t, uint64_t>> enabled_;  // [start, end); end = ~0 while enabled
};

// Whether `inv` covers the cached entry described by kind/tag (R-CFGI-*, R-TLBI-*).
bool Covers(const Invalidation& inv, FetchKind kind, const FetchTag& tag, bool leaf_entry,
            bool global_entry, const spec::Profile& p);

// One value a read may return, and where it came from.
struct Candidate {
  bool abort = false;
  std::vector<uint64_t> dwords;
  bool current = true;   // the value in memory now
  uint64_t seq = 0;      // when it was stored
  int line = 0;          // the vector line that stored it (the newest of its words)
};

// The values a read of `dwords` words at `pa` may return (current value first).
std::vector<Candidate> ReadCandidates(const Memory& mem, const CacheState& cache,
                                      const spec::Profile& p, FetchKind kind, const FetchTag& tag,
                                      uint64_t pa, unsigned dwords);

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
  // Moves to the next combination; false when every combination has been run.
  bool Next();
  size_t runs() const { return runs_; }
  // Which remembered (non-current) values this run used, e.g. "STE@0x100040 from line 12".
  const std::string& provenance() const { return provenance_; }

 private:
  const Memory& mem_;
  const CacheState& cache_;
  const spec::Profile& p_;
  std::vector<size_t> choice_;  // per read point in this run
  std::vector<size_t> arity_;
  size_t pos_ = 0;
  size_t runs_ = 1;
  std::string provenance_;
};

}  // namespace smmuref::model::arch
