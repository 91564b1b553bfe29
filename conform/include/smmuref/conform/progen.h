// Random programs for differential checking: realistic SMMU set-ups (stream tables, STEs, CDs,
// stage-1/stage-2/nested page tables on random profiles) followed by translations and changes
// (remaps, permission changes, STE/CD rewrites), sometimes with and sometimes without the
// required invalidations and CMD_SYNC. Programs are vector files (spec/vector-format.md), so a
// failing one is already a replayable vector.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smmuref::conform {

// The source of choices: seeded for campaigns, byte-driven for libFuzzer, RapidCheck's for
// property tests.
class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Below(uint64_t n) = 0;  // uniform in [0, n); n > 0
  bool Chance(unsigned percent) { return Below(100) < percent; }
};

// SplitMix64: reproducible from a seed.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : s_(seed) {}
  uint64_t Below(uint64_t n) override;

 private:
  uint64_t s_;
};

struct GenOptions {
  int ops = 40;  // operations after set-up
};

std::string GenerateProgram(Random& r, const GenOptions& o = {});

}  // namespace smmuref::conform
