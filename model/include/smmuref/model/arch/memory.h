// Physical memory as the model sees it: sparse 64-bit words, little-endian, never-written words
// read as zero (R-MEM-001), and ranges that answer reads with an external abort (R-MEM-002) so
// that fetch faults can be exercised. All SMMU reads of configuration structures and translation
// tables go through a Fetcher, which is where the caching semantics (allowed sets of values per
// read) plug in.
// Tests: tests/model/arch/memory_test.cc
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>

namespace smmuref::model::arch {

struct MemRead {
  bool abort = false;
  uint64_t value = 0;
};

class Memory {
 public:
  // A CPU store of one 64-bit word; `pa` must be 8-byte aligned (callers check user input).
  void Write64(uint64_t pa, uint64_t value) { words_[pa & ~uint64_t{7}] = value; }
  uint64_t Peek64(uint64_t pa) const;  // CPU view, no aborts
  // An SMMU read: aborts inside an abort range, else the stored word (zero if never written).
  MemRead Read64(uint64_t pa) const;
  // Marks [pa, pa+len) as answering SMMU reads with an external abort.
  void AddAbortRange(uint64_t pa, uint64_t len);
  void Clear() { words_.clear(); aborts_.clear(); }

 private:
  std::unordered_map<uint64_t, uint64_t> words_;
  std::map<uint64_t, uint64_t> aborts_;  // start -> end (exclusive), non-overlapping after merge
};

// What an SMMU read is for. The caching semantics differ per kind (configuration structures may
// be served from any value held since the last covering invalidation, valid or not; translation
// table descriptors only from valid ones), and cache tags come from FetchTag.
enum class FetchKind : uint8_t { kL1Std, kSte, kL1Cd, kCd, kS1Desc, kS2Desc, kQueue };

struct FetchTag {
  uint32_t sid = 0;
  uint32_t cd_index = 0;  // CD-table index for kL1Cd/kCd
  uint16_t asid = 0;      // kS1Desc
  uint16_t vmid = 0;      // kS1Desc/kS2Desc
  uint64_t va = 0;        // input address of the walk (VA or IPA) for kS1Desc/kS2Desc
  int level = 0;          // walk level for kS1Desc/kS2Desc
};

// Every SMMU read of a structure goes through a Fetcher. The model's translation functions are
// written against it as if each read had one value; the caching layer enumerates the choices.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Reads `dwords` consecutive 64-bit words at `pa` into `out`. Returns false (and fills nothing
  // meaningful) if any word aborts; a multi-word structure is fetched as a unit.
  virtual bool Read(FetchKind kind, const FetchTag& tag, uint64_t pa, unsigned dwords,
                    uint64_t* out) = 0;
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
