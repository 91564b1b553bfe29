// Random programs for differential checking: realistic SMMU set-ups (stream tables, STEs, CDs,
// stage-1/stage-2/nested page tables on random profiles) followed by translations and changes
// (remaps, permission changes, STE/CD rewrites), sometimes with and sometimes without the
// required invalidations and CMD_SYNC. Programs are vector files (spec/vector-format.md), so a
// failing one is already a replayable vector.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "smmuref/spec/profile.h"

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

// Building blocks shared with the RapidCheck stateful test (tests/stateful/).
// A random stage-1 regime: a granule the profile has, and a T0SZ chosen to reach several start
// levels, with the start level it gives [DDI0487 D8.2].
struct S1Shape {
  unsigned granule_shift = 12;
  unsigned t0sz = 16;
  unsigned ia = 48;
  int start_level = 0;
};
S1Shape RandomS1Shape(Random& r, const spec::Profile& p);
// A valid VMSAv8-64 CD for `shape` with TTB0 and ASID, and random fault configuration (A, R) and
// attributes (TBI0, PAN, WXN, AFFD, HAD0) [IHI0070 §5.4].
void RandomCd(Random& r, const spec::Profile& p, const S1Shape& shape, uint16_t asid,
              uint64_t ttb0, uint64_t cd[8]);

}  // namespace smmuref::conform
