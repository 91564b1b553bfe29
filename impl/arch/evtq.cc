// Event queue producer of the engine [IHI0070 §7.1-§7.2, §6.3.29-§6.3.31] and the event record
// layout [IHI0070 §7.3]. Rules R-EVTQ-*.
// Tests: tests/conformance/device_test.cc, corpus/vectors/evtq/*.vec
#include <algorithm>

#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {

using spec::Reg;

namespace {

// The record's four doublewords (layout.h event fields): FetchAddr for fetch aborts, else the
// IPA of stage-2 faults.
void Encode(const spec::EventRecord& e, uint64_t out[4]) {
  namespace f = layout::event;
  auto put = [&](layout::Field fd, uint64_t v) { out[fd.dw] |= FieldPrep<uint64_t>(fd.mask, v); };
  out[0] = out[1] = out[2] = out[3] = 0;
  put(f::kEventId, static_cast<uint8_t>(e.type));
  put(f::kSSV, e.ssv);
  put(f::kSubstreamID, e.ssid);
  put(f::kStreamID, e.sid);
  put(f::kSTAG, e.stag);
  put(f::kStall, e.stall);
  put(f::kPnU, e.pnu);
  put(f::kInD, e.ind);
  put(f::kRnW, e.rnw);
  put(f::kS2, e.s2);
  put(f::kCLASS, static_cast<uint8_t>(e.cls));
  put(f::kTTRnW, e.ttrnw);
  put(f::kInputAddr, e.input_addr);
  out[3] = e.fetch_addr ? e.fetch_addr & f::kFetchAddr.mask : e.ipa & f::kIPA.mask;
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
  uint64_t rec[4];
  Encode(e, rec);
  if (SMMUREF_MUTANT(10)) {
    // Mutant 10: event records report RnW inverted.
    rec[1] ^= layout::event::kRnW.mask;
  }
  if (!mem_.Store(slot, 4, rec)) {
    // R-EVTQ-006: an aborted queue write loses the record and raises EVENTQ_ABT_ERR.
    regs_.RaiseGerror(regbits::kEventqAbtErr);
    return;
  }
  // R-EVTQ-004: PROD moves past the record; the increment carries into the wrap bit.
  prod = (prod & ~regbits::kPtrMask) | QueueNext<uint64_t>(prod & regbits::kPtrMask, qs);
  regs_.Set(Reg::EVENTQ_PROD, prod);
}

}  // namespace smmuref::impl::arch
