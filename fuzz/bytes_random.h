// The choices of conform's generators (conform::Random, conform/include/smmuref/conform/
// progen.h), read from a libFuzzer input. Once the bytes run out every choice is 0 (the first
// option), so any input, however short, still yields a complete program. Used by
// fuzz_arch_diff.cc and fuzz_api_diff.cc.
#pragma once

#include <cstdint>

#include <fuzzer/FuzzedDataProvider.h>

#include "smmuref/conform/progen.h"

namespace smmuref::fuzz {

class BytesRandom final : public conform::Random {
 public:
  explicit BytesRandom(FuzzedDataProvider& fdp) : fdp_(fdp) {}
  uint64_t Below(uint64_t n) override {
    if (n <= 1 || fdp_.remaining_bytes() == 0) return 0;
    return fdp_.ConsumeIntegralInRange<uint64_t>(0, n - 1);
  }

 private:
  FuzzedDataProvider& fdp_;
};

}  // namespace smmuref::fuzz
