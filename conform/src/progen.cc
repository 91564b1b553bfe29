// Random programs for differential checking (see progen.h): the public entry points. The
// generator itself is in conform/src/gen/, one file per spec concept.
// Tests: tests/conform/gen_test.cc, tests/stateful/arch_diff_test.cc
#include "smmuref/conform/progen.h"

#include <algorithm>

#include "gen/build.h"
#include "gen/gen.h"

namespace smmuref::conform {

uint64_t SeededRandom::Below(uint64_t n) {
  uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (z ^ (z >> 31)) % n;
}

namespace {
constexpr const char* kFocusNames[kFocusCount] = {
    "mix", "strtab", "ste", "cd", "walk", "perm", "stage2",
    "nested", "el2", "inval", "queues", "abort", "lifecycle"};
}  // namespace

const char* FocusName(Focus f) { return kFocusNames[static_cast<int>(f)]; }

bool ParseFocus(const std::string& name, Focus* out) {
  for (int i = 0; i < kFocusCount; ++i) {
    if (name == kFocusNames[i]) {
      *out = static_cast<Focus>(i);
      return true;
    }
  }
  return false;
}

std::string GenerateProgram(Random& r, const GenOptions& o) {
  gen::Generator g(r, o);
  return g.Run();
}

S1Shape RandomS1Shape(Random& r, const spec::Profile& p) {
  static const unsigned k4[] = {16, 25, 34}, k16[] = {16, 20, 28}, k64[] = {16, 25};
  S1Shape s;
  s.granule_shift = gen::RandomGranule(r, p);
  const unsigned g = s.granule_shift;
  s.t0sz = g == 12 ? k4[r.Below(3)] : g == 14 ? k16[r.Below(3)] : k64[r.Below(2)];
  s.ia = 64 - s.t0sz;
  const unsigned stride = g - 3;
  s.start_level = 4 - static_cast<int>((s.ia - g + stride - 1) / stride);
  return s;
}

void RandomCd(Random& r, const spec::Profile& p, const S1Shape& shape, uint16_t asid,
              uint64_t ttb0, uint64_t cd[8]) {
  gen::CdFields f;
  f.t0sz = shape.t0sz;
  f.tg0 = gen::Tg0(shape.granule_shift);
  f.epd1 = true;
  f.ips = 5;
  f.a = r.Chance(90);
  f.r = r.Chance(90);
  f.asid = asid;
  f.tbi0 = r.Chance(20);
  f.pan = r.Chance(20);
  f.wxn = r.Chance(10);
  f.affd = r.Chance(20);
  if (p.had) f.had0 = r.Chance(10);
  f.ttb0 = ttb0;
  f.mair = 0;
  f.Encode(cd);
}

}  // namespace smmuref::conform
