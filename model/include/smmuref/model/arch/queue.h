// Circular-queue arithmetic shared by the command and event queues: an index in bits [QS-1:0]
// and a wrap flag in bit QS [IHI0070 §3.5.1].
// Tests: tests/model/arch/smmu_test.cc
#pragma once

#include <cstdint>

namespace smmuref::model::arch {

struct QueuePointer {
  unsigned log2size;  // QS: effective LOG2SIZE, already capped by IDR1
  uint32_t Index(uint32_t reg) const { return reg & ((1u << log2size) - 1); }
  bool Wrap(uint32_t reg) const { return (reg >> log2size) & 1; }
  // Index and wrap together, other bits dropped.
  uint32_t Value(uint32_t reg) const { return reg & ((2u << log2size) - 1); }
  bool Empty(uint32_t prod, uint32_t cons) const { return Value(prod) == Value(cons); }
  bool Full(uint32_t prod, uint32_t cons) const {
    return Index(prod) == Index(cons) && Wrap(prod) != Wrap(cons);
  }
  uint32_t Next(uint32_t reg) const { return (Value(reg) + 1) & ((2u << log2size) - 1); }
};

}  // namespace smmuref::model::arch
