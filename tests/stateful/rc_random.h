// RapidCheck's choices behind progen's Random interface (conform/include/smmuref/conform/
// progen.h), so the generators of conform/ shrink under RapidCheck. Used by the stateful tests.
#pragma once

#include <rapidcheck.h>

#include <cstdint>

#include "smmuref/conform/progen.h"

namespace smmuref::stateful {

class RcRandom final : public conform::Random {
 public:
  uint64_t Below(uint64_t n) override { return *rc::gen::inRange<uint64_t>(0, n); }
};

}  // namespace smmuref::stateful
