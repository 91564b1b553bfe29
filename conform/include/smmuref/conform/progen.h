// Random programs for differential checking: SMMU set-ups on random profiles (linear and 2-level
// stream tables, every STE Config, single/linear/2-level CD tables, stage-1/stage-2/nested page
// tables at every granule and start level, NS-EL1/EL2/EL2-E2H), realistic and deliberately
// broken, followed by translations and changes (remaps, table rewrites, block splits, STE/CD/L1
// rewrites, teardown and reuse, aborts, queue errors) with caches warmed by translations before
// every change, and with or without the required invalidations and CMD_SYNC. Programs are vector
// files (spec/vector-format.md), so a failing one is already a replayable vector. The generator
// lives in conform/src/gen/ (one file per spec concept).
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

// What a program emphasizes: kMix draws every operation at its base weight; any other focus
// raises the weight of one area of the architecture. The campaign picks the focus from rule
// coverage (campaign.h); a program is reproduced by its seed and focus.
enum class Focus : uint8_t {
  kMix,        // every area at its base weight
  kStrtab,     // stream-table geometry, Span, SID bands, L1STD rewrites
  kSte,        // STE configurations, realistic and ILLEGAL, S1DSS, STRW
  kCd,         // CD tables (linear, 2-level), SubstreamID bands, CDs realistic and ILLEGAL
  kWalk,       // granules, start levels, TxSZ edges, blocks at every level, address sizes
  kPerm,       // permissions of both stages, table attributes, PAN, WXN, AF, XN/XNX
  kStage2,     // stage-2 configurations, concatenated start tables, S2SL0
  kNested,     // nested translation, stage-2 faults on walks and CD fetches
  kEl2,        // StreamWorlds NS-EL2 and EL2-E2H, EL2 TLBIs
  kInval,      // every CFGI/TLBI form and scope, warm caches, improper sequences
  kQueues,     // command-queue errors, GERRORN, wrap; event-queue drain, wrap, overflow
  kAbort,      // external aborts on every fetch kind
  kLifecycle,  // SMMUEN/GBPA, teardown and StreamID/ASID/VMID reuse, register rules
};
inline constexpr int kFocusCount = 13;
const char* FocusName(Focus f);
// The focus named `name`, or false.
bool ParseFocus(const std::string& name, Focus* out);

// The system a program runs on, as the device under test declares it (check.cc's DutPlatform;
// QEMU's adapter declares its own): where structures, queues, page tables and client output
// addresses may be, the StreamIDs that exist, and which kinds of transaction and memory fault the
// device can be given. The default is smmuref's own system, where anything goes; programs for it
// are the same for the same seed as before platforms existed.
struct Platform {
  // Structures, queues and translation tables are allocated upward from struct_base, below
  // out_base (a program that needs more runs past it; a device that has no memory there says
  // so, and the program is counted as not implemented by it).
  uint64_t struct_base = 0x1000000;
  // Client output addresses: [out_base, out_base + out_size).
  uint64_t out_base = 0x40000000, out_size = 0x40000000;
  std::vector<uint32_t> sids;  // the StreamIDs that exist; empty: any the stream table has
  bool substreams = true;      // transactions may carry a SubstreamID
  bool aborts = true;          // memory may be made to answer the SMMU with an external abort
  bool exec = true;            // instruction fetches
  bool unprivileged = true;    // unprivileged transactions
  std::string profile;         // programs use this built-in profile; empty: random ones
};

struct GenOptions {
  int ops = 40;  // operations after set-up
  Focus focus = Focus::kMix;
  Platform platform;
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
