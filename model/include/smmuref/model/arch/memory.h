// Physical memory as the model sees it: sparse 64-bit words, little-endian, never-written words
// read as zero (R-MEM-001), and ranges that answer reads with an external abort (R-MEM-002) so
// that fetch faults can be exercised. All SMMU reads of configuration structures and translation
// tables go through a Fetcher, which is where the caching semantics (allowed sets of values per
// read) plug in.
// Tests: tests/model/arch/memory_test.cc
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace smmuref::model::arch {

struct MemRead {
  bool abort = false;
  uint64_t value = 0;
};

// One CPU or SMMU store to a 64-bit word: when (a sequence number shared with every other
// state change the caching rules care about), what, and which vector line wrote it.
struct WordWrite {
  uint64_t seq = 0;
  uint64_t value = 0;
  int line = 0;
};

class Memory {
 public:
  // A store of one 64-bit word; `pa` is 8-byte aligned by callers (user input is checked).
  // Every store is kept: the caching rules ask what a location held since a given time.
  void Write64(uint64_t pa, uint64_t value);
  uint64_t Peek64(uint64_t pa) const;  // current value, no aborts
  // An SMMU read of current memory: aborts inside an abort range, else the current value.
  MemRead Read64(uint64_t pa) const;
  // Marks [pa, pa+len) as answering SMMU accesses with an external abort.
  void AddAbortRange(uint64_t pa, uint64_t len);
  bool Aborts(uint64_t pa) const;
  void Clear();  // a state change: takes a tick like a store

  // The state clock: every store advances it; other events (CMD_SYNC completion, SMMUEN
  // changes) take a tick too so that "since" is well defined.
  uint64_t Now() const { return seq_; }
  uint64_t Tick() { return ++seq_; }
  // The vector line that later stores are attributed to.
  void SetLine(int line) { line_ = line; }
  // While a log is set, every store is also appended to it as (pa, value): the model as a DUT
  // (conform/src/dut/model_plugin.cc) copies its own stores to memory the harness owns.
  void LogStores(std::vector<std::pair<uint64_t, uint64_t>>* log) { log_ = log; }

  // The store current at time `seq` (seq 0, value 0 and line 0 when never written by then).
  WordWrite At(uint64_t pa, uint64_t seq) const;
  // Every store to the word at `pa`, oldest first; empty if it was never written.
  std::span<const WordWrite> History(uint64_t pa) const;
  // Times of the stores to `pa` after `seq`, ascending, appended to `out`.
  void StoresAfter(uint64_t pa, uint64_t seq, std::vector<uint64_t>* out) const;
  // Non-coherent walker: CPU stores become certain to be visible only once cleaned.
  void Clean(uint64_t pa, uint64_t len);
  // The time of the newest store to `pa` that is certainly visible to a non-coherent walker.
  uint64_t CleanedAt(uint64_t pa) const;

 private:
  // A written word: its stores, oldest first (the first two inline: most words are written once
  // or twice, and the allowed-set reads look histories up on every fetch), and the time of the
  // newest store certainly visible to a non-coherent walker.
  struct StoredWord {
    uint64_t pa = 0;
    uint64_t cleaned = 0;
    uint32_t stores = 0;
    std::array<WordWrite, 2> first{};
    std::vector<WordWrite> all;  // every store, once there are more than two
    std::span<const WordWrite> History() const {
      return stores <= first.size() ? std::span<const WordWrite>(first.data(), stores)
                                    : std::span<const WordWrite>(all);
    }
    const WordWrite& Newest() const { return History().back(); }
  };
  // Written words by address: open addressing with linear probing over a power-of-two table of
  // indices into words_ (kFree when empty), kept at most half full.
  static constexpr uint32_t kFree = ~uint32_t{0};
  const StoredWord* Find(uint64_t word) const;
  StoredWord& FindOrAdd(uint64_t word);
  std::vector<StoredWord> words_;
  std::vector<uint32_t> index_;
  std::map<uint64_t, uint64_t> aborts_;  // start -> end (exclusive), non-overlapping after merge
  uint64_t seq_ = 0;
  int line_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>>* log_ = nullptr;
};

// What an SMMU read is for. The caching semantics differ per kind (configuration structures may
// be served from any value held since the last covering invalidation, valid or not; translation
// table descriptors only from valid ones), and cache tags come from FetchTag.
enum class FetchKind : uint8_t { kL1Std, kSte, kL1Cd, kCd, kS1Desc, kS2Desc, kQueue };

struct FetchTag {
  uint32_t sid = 0;
  uint32_t cd_index = 0;  // CD-table index for kL1Cd/kCd
  unsigned l1_shift = 0;  // kL1Std: SPLIT; kL1Cd: index bits per leaf table (6 or 10)
  bool el2 = false;       // kS1Desc: an EL2 or EL2-E2H StreamWorld (TLBI_EL2_* scope)
  uint16_t asid = 0;      // kS1Desc
  uint16_t vmid = 0;      // kS1Desc/kS2Desc
  uint64_t va = 0;        // input address of the walk (VA or IPA) for kS1Desc/kS2Desc
  int level = 0;          // walk level for kS1Desc/kS2Desc
  unsigned granule_shift = 12;  // kS1Desc/kS2Desc
  // kS2Desc reads made for a nested translation: the stage-1 context whose combined entries
  // CMD_TLBI_S2_IPA alone need not remove.
  bool nested = false;
  uint64_t s1_va = 0;
  // kS1Desc/kS2Desc: what decides whether a descriptor may be held in a TLB at all (only one
  // whose use produces no fault, R-CACHE-003): the stage's AFFD and output size in bits.
  bool affd = false;
  unsigned oa_bits = 64;
  // The times a value read here may have been fetched at: a descriptor not before the table
  // descriptor that pointed to its table was held (R-CACHE-011: walk caches and TLBs are looked
  // up by address, so an entry exists only if a walk could reach it), and the start level of a
  // walk through an earlier translation context not after `not_after` (R-CACHE-012); ~0 means up
  // to now, the current value included. Configuration caches are looked up by StreamID and
  // SubstreamID, so structure reads carry no lower bound.
  uint64_t not_before = 0;
  uint64_t not_after = ~uint64_t{0};
  // kS1Desc: the earliest time a walk through the current translation context may have started
  // (the start of its open period, R-CACHE-012). It bounds the cached values tagged with the
  // ASID (tables and non-global leaves); a global leaf is shared by every ASID, so an entry
  // another context formed earlier may serve this walk and it is not bounded by it.
  uint64_t context_from = 0;
  // kS1Desc: the translation-context tags for the ledger of earlier contexts.
  unsigned world = 0;
  // kL1Cd/kCd: read at an address stage 2 translated (the structure's address is an IPA).
  bool via_s2 = false;
  bool operator==(const FetchTag&) const = default;
};

// A copy of a configuration structure a configuration cache may hold under its key (StreamID,
// CD-table index) from an earlier fetch: where it was read, and the latest time one was.
struct CachedCopy {
  uint64_t pa = 0;
  uint64_t last = 0;
};

// A value a location held over [from, to) (to = ~0: still held), e.g. an earlier CD.
struct HeldValue {
  std::vector<uint64_t> dwords;
  uint64_t from = 0;
  uint64_t to = ~uint64_t{0};
  int line = 0;
  // The period reaches the present: the value is held now, or replaced with no covering
  // invalidation since (a walk through it may be starting now).
  bool open = false;
};

// Every SMMU read of a structure goes through a Fetcher. The model's translation functions are
// written against it as if each read had one value; the caching layer enumerates the choices.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Reads `dwords` consecutive 64-bit words at `pa` into `out`. Returns false (and fills nothing
  // meaningful) if any word aborts. The words of a multi-word structure may each take any
  // value they may hold (per-word tearing, R-CACHE-001).
  virtual bool Read(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords,
                    uint64_t* out) = 0;
  // A choice the architecture leaves open at this point, `id` naming its spec/choices.md entry:
  // which of `n` alternatives (n >= 1) this run takes. The allowed-set fetcher enumerates every
  // alternative like the values of a read; a fetcher that offers one value takes the first.
  virtual unsigned Choose(const char* id, unsigned n) { return 0; }
  // The earliest time the value the last Read returned may have been fetched at (the latest
  // store among its words): later reads that depend on it are bounded by it (R-CACHE-011).
  virtual uint64_t LastFrom() const { return 0; }
  // Earlier values of the CDs that translations of streams with these tags have read (the
  // ledger of translation contexts, R-CACHE-012), each with the times it may have been in use.
  // The vector stays valid until the next call.
  virtual const std::vector<HeldValue>& EarlierCds(unsigned world, uint16_t vmid) {
    static const std::vector<HeldValue> kNone;
    return kNone;
  }
  // R-CACHE-013: the copies of the L1CD or CD keyed by `tag` (StreamID, CD-table index) that
  // earlier fetches through stage 2 read and that no completed invalidation has removed. A
  // fetcher that caches nothing has none.
  virtual std::vector<CachedCopy> CachedCopies(FetchKind kind, const FetchTag& tag) { return {}; }
  // This run describes no possible translation (a walk through an earlier translation context
  // that faults before it reaches an entry the TLB could hold, R-CACHE-012): it is dropped.
  virtual void Impossible() {}
};

// Reads current memory: the single allowed value when nothing is cached.
class CurrentMemoryFetcher final : public Fetcher {
 public:
  explicit CurrentMemoryFetcher(const Memory& mem) : mem_(mem) {}
  bool Read(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords,
            uint64_t* out) override;

 private:
  const Memory& mem_;
};

}  // namespace smmuref::model::arch
