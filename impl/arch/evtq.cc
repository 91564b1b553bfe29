// Event queue producer of the engine [IHI0070 §7.1-§7.2, §6.3.29-§6.3.31] and the event record
// layout [IHI0070 §7.3; fact sheet §6.3]. Rules R-EVTQ-*.
// Tests: tests/impl/arch/engine_test.cc, corpus/vectors/evtq/*.vec
#include <algorithm>

#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {

using spec::Reg;

namespace {

// Record layout: DW0 EventID[7:0] SSV[11] SubstreamID[31:12] StreamID[63:32]; DW1 STAG[15:0]
// Stall[31] PnU[33] InD[34] RnW[35] S2[39] CLASS[41:40] TTRnW[44]; DW2 InputAddr; DW3
// FetchAddr[55:3] for fetch aborts, else IPA[55:12].
void Encode(const spec::EventRecord& e, uint64_t out[4]) {
  auto b = [](bool v) { return uint64_t{v ? 1u : 0u}; };
  out[0] = uint64_t{static_cast<uint8_t>(e.type)} | b(e.ssv) << 11 |
           uint64_t{e.ssid & 0xfffff} << 12 | uint64_t{e.sid} << 32;
  out[1] = uint64_t{e.stag} | b(e.stall) << 31 | b(e.pnu) << 33 | b(e.ind) << 34 |
           b(e.rnw) << 35 | b(e.s2) << 39 | uint64_t{static_cast<uint8_t>(e.cls) & 3u} << 40 |
           b(e.ttrnw) << 44;
  out[2] = e.input_addr;
  const uint64_t low56 = (uint64_t{1} << 56) - 1;
  out[3] = e.fetch_addr ? e.fetch_addr & low56 & ~uint64_t{7} : e.ipa & low56 & ~uint64_t{0xfff};
}

}  // namespace

void Engine::RecordEvent(const spec::EventRecord& e) {
  // R-EVTQ-001: EVENTQEN=0 discards without overflow.
  if (!regs_.EventqEnabled()) return;
  // R-EVTQ-005: unwritable while EVENTQ_ABT_ERR is active.
  if (regs_.GerrorActive(regbits::kEventqAbtErr)) return;
  const uint64_t base_reg = regs_.Read(Reg::EVENTQ_BASE);
  // R-EVTQ-002: 2^MIN(LOG2SIZE, EVENTQS) 32-byte records, base aligned to MAX(32, size).
  const uint64_t qs = std::min<uint64_t>(base_reg & regbits::kQueueLog2Mask, profile_.eventqs);
  const uint64_t base =
      base_reg & regbits::kQueueAddrMask & ~LowMask<uint64_t>(std::max<uint64_t>(5, qs + 5)) &
      LowMask<uint64_t>(profile_.oas);  // R-EVTQ-007: truncated to the OAS
  uint64_t prod = regs_.Read(Reg::EVENTQ_PROD);
  const uint64_t cons = regs_.Read(Reg::EVENTQ_CONS);
  if (QueueFull<uint64_t>(prod & regbits::kPtrMask, cons & regbits::kPtrMask, qs)) {
    // R-EVTQ-003: full: discard, and toggle OVFLG unless an overflow is pending.
    if ((prod & regbits::kOvflg) == (cons & regbits::kOvflg)) {
      regs_.Set(Reg::EVENTQ_PROD, prod ^ regbits::kOvflg);
    }
    return;
  }
  const uint64_t slot = base + QueueIndex<uint64_t>(prod, qs) * 32;
  if (!mem_.Writable(slot, 4)) {
    // R-EVTQ-006: an aborted queue write loses the record and raises EVENTQ_ABT_ERR.
    regs_.RaiseGerror(regbits::kEventqAbtErr);
    return;
  }
  uint64_t rec[4];
  Encode(e, rec);
  if (SMMUREF_MUTANT(10)) {
    // Mutant 10: event records report RnW inverted.
    rec[1] ^= uint64_t{1} << 35;
  }
  for (unsigned i = 0; i < 4; ++i) mem_.Write64(slot + 8 * i, rec[i]);
  // R-EVTQ-004: PROD moves past the record; the increment carries into the wrap bit.
  prod = (prod & ~regbits::kPtrMask) | QueueNext<uint64_t>(prod & regbits::kPtrMask, qs);
  regs_.Set(Reg::EVENTQ_PROD, prod);
}

}  // namespace smmuref::impl::arch
