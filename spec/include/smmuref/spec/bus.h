// The bus a driver programs an SMMU through, and that a device implements: the CPU's view of
// memory (64-bit stores and loads, a clean for a non-coherent table walker), the SMMU's registers
// by name (32-bit and 64-bit), and "let the device process its command queue now". There is no
// translation entry point: a driver never presents transactions, it only writes structures and
// commands [IHI0070 §3.3 (memory), §6 (registers), §4 (command queue)].
// Implemented by conform::Device (conform/include/smmuref/conform/device.h), so every device the
// harness knows (model, impl, mutants, plug-ins, QEMU) is a bus; programmed by impl/driver.
// Tests: tests/impl/driver/bus_test.cc
#pragma once

#include <cstdint>

#include "smmuref/spec/observation.h"

namespace smmuref::spec {

class Bus {
 public:
  virtual ~Bus() = default;
  // CPU view of memory: aligned 64-bit stores and loads.
  virtual void MemWrite64(uint64_t pa, uint64_t value) = 0;
  virtual uint64_t MemRead64(uint64_t pa) = 0;
  // Cleans [pa, pa+len) to the point of coherency, so that a non-coherent walker sees the stores
  // made before it (SMMU_IDR0.COHACC=0 or a non-coherent system); a no-op for a coherent one.
  virtual void MemClean(uint64_t pa, uint64_t len) = 0;
  // A register read: a 32-bit register's value, or the whole of a 64-bit one (RegIs64).
  virtual uint64_t RegRead(Reg r) = 0;
  // A register write: the whole register (32 or 64 bits).
  virtual void RegWrite(Reg r, uint64_t value) = 0;
  // A 32-bit write to one half of a 64-bit register (`high`: bits [63:32]), or to a 32-bit
  // register with `high` false [IHI0070 §6.2: 32-bit accesses to 64-bit registers].
  virtual void RegWrite32(Reg r, bool high, uint32_t value) = 0;
  // The device consumes what is in its command queue now (CMDQ_PROD was written before). A real
  // SMMU does this on its own; a model or an emulator is told when.
  virtual void ProcessCommands() = 0;
};

}  // namespace smmuref::spec
