// Benchmark scenes: one SMMU set up through memory stores and register writes so that a single
// StreamID translates N pages, stage 1 only (STE.Config=0b101) or nested (0b111), with the 4KB
// or 64KB granule [IHI0070 §5.2 (STE), §5.4 (CD); DDI0487 D8 (VMSAv8-64 descriptors)]. The same
// store sequence drives the model and the engine, and every structure is written before
// CR0.SMMUEN=1 (CR2 included, whose reset value is UNKNOWN) so nothing was cached earlier and
// each translation has one walk and one allowed outcome (R-CACHE-001); BuildStaleScene then
// adds stale values on purpose. Encodings follow tests/model/arch/smmu_test.cc and
// corpus/vectors/{walk,nested}.
// Used by bench/arch_bench.cc; the outcome of a sample of pages is checked before timing.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "smmuref/spec/observation.h"

namespace smmuref::bench {

// Where a scene's stores go: a model::arch::Smmu or an impl::arch::Engine.
struct Sink {
  std::function<void(uint64_t pa, uint64_t value)> write64;
  std::function<void(spec::Reg r, uint64_t value)> write_reg;
};

// Builds one VMSAv8-64 translation table level by level (input size 48 bits). Tables are taken
// from a bump allocator in the table's own address space (an IPA for stage 1 of a nested walk);
// `store_offset` turns such an address into the PA the store goes to.
class TableBuilder {
 public:
  TableBuilder(unsigned granule_shift, int start_level, uint64_t pool, uint64_t store_offset,
               std::function<void(uint64_t, uint64_t)> write64);
  uint64_t root() const { return root_; }
  // Maps the page holding `in` to `out` with a level-3 page descriptor carrying `attrs`.
  void MapPage(uint64_t in, uint64_t out, uint64_t attrs);
  // Every table allocated so far, in the table's own address space.
  const std::vector<uint64_t>& tables() const { return tables_; }

 private:
  uint64_t NewTable();
  unsigned Shift(int level) const { return g_ + (3 - level) * (g_ - 3); }

  unsigned g_;
  int start_level_;
  uint64_t next_, offset_, root_;
  std::function<void(uint64_t, uint64_t)> write64_;
  std::unordered_map<uint64_t, uint64_t> next_table_;  // descriptor address -> table it names
  std::vector<uint64_t> tables_;
};

struct SceneSpec {
  unsigned granule_shift = 12;  // 12 (4KB) or 16 (64KB), both stages
  bool nested = false;
  size_t pages = 16;
  uint64_t va_stride = 0;  // distance between mapped pages; 0 = one granule (contiguous)
};

// The transactions a scene answers and the PA each must reach.
struct Scene {
  std::vector<spec::Txn> txns;
  std::vector<uint64_t> pas;
};

// Stores the scene through `sink` (structures first, then the registers, SMMUEN last).
Scene BuildScene(const SceneSpec& spec, Sink& sink);

// A scene of one page, 4KB stage 1 from level 0, whose translation has many allowed walks: after
// SMMUEN=1 the descriptor read at level l (0..3) is rewritten without a TLBI, candidates[l] - 1
// times, each time a valid descriptor differing only in bits the walk ignores (bits 58:55), so
// that read may return any of candidates[l] values (R-CACHE-001) and the model walks every
// combination, the product of the four counts (each at most 16), all reaching the same PA.
Scene BuildStaleScene(const unsigned candidates[4], Sink& sink);

}  // namespace smmuref::bench
