// Software's view of the queues, as a driver would compute it from the device's registers:
// geometry of the command queue (to place `cmd` lines) and reading the event queue.
#pragma once

#include <cstdint>
#include <optional>

#include "smmuref/conform/device.h"

namespace smmuref::conform {

struct QueueGeometry {
  uint64_t base = 0;
  unsigned log2size = 0;
  uint64_t Index(uint64_t reg) const { return reg & ((uint64_t{1} << log2size) - 1); }
  uint64_t Value(uint64_t reg) const { return reg & ((uint64_t{2} << log2size) - 1); }
  // The next index+wrap value, keeping the register's other bits (e.g. OVACKFLG).
  uint64_t Next(uint64_t reg) const {
    const uint64_t mask = (uint64_t{2} << log2size) - 1;
    return (reg & ~mask) | ((Value(reg) + 1) & mask);
  }
};

QueueGeometry CommandQueue(Device& d, const spec::Profile& p);
QueueGeometry EventQueue(Device& d, const spec::Profile& p);

// The next unread event record (EVENTQ_CONS != EVENTQ_PROD), without consuming it.
std::optional<spec::EventRecord> PeekEvent(Device& d, const spec::Profile& p);
// The same, and advances EVENTQ_CONS past it.
std::optional<spec::EventRecord> PopEvent(Device& d, const spec::Profile& p);
// Consumes every unread record (EVENTQ_CONS := EVENTQ_PROD, OVACKFLG kept), as software
// resynchronising after an unexpected record would.
void ConsumeEvents(Device& d, const spec::Profile& p);

}  // namespace smmuref::conform
