// Event queue [IHI0070 §7.1-§7.2, §6.3.29-§6.3.31]. Rules R-EVTQ-*.
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/evtq/*.vec
#include "smmuref/model/arch/evtq.h"

#include <algorithm>

#include "smmuref/model/arch/queue.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::Reg;
namespace rf = spec::reg;

void MarkEventQueueUnknown(Registers& regs) {
  regs.SetUnknown(Reg::EVENTQ_PROD, FieldBits(rf::EVENTQ_PROD_WR) | FieldBits(rf::EVENTQ_PROD_OVFLG));
  regs.SetUnknown(Reg::GERROR, FieldBits(rf::GERROR_EVENTQ_ABT_ERR));
}

bool EventQueueKnown(const Registers& regs, const spec::Profile& p) {
  const uint64_t below_oas = (uint64_t{1} << p.oas) - 1;
  return (regs.UnknownMask(Reg::EVENTQ_BASE) & below_oas &
          (FieldBits(rf::EVENTQ_BASE_ADDR) | FieldBits(rf::EVENTQ_BASE_LOG2SIZE))) == 0 &&
         regs.IndexKnown(Reg::EVENTQ_PROD) && regs.Known(Reg::EVENTQ_PROD, rf::EVENTQ_PROD_OVFLG) &&
         regs.IndexKnown(Reg::EVENTQ_CONS) &&
         regs.Known(Reg::EVENTQ_CONS, rf::EVENTQ_CONS_OVACKFLG) &&
         regs.Known(Reg::GERROR, rf::GERROR_EVENTQ_ABT_ERR) &&
         regs.Known(Reg::GERRORN, rf::GERROR_EVENTQ_ABT_ERR);
}

void WriteEvent(Registers& regs, Memory& mem, const spec::Profile& p, const spec::EventRecord& e) {
  // R-EVTQ-001: with EVENTQEN=0 events are discarded without raising overflow.
  if (SMMUREF_RULE_IF("R-EVTQ-001", !regs.EventqEnabled())) return;
  // C-REG-001 / C-REG-007 / C-EVT-005: with the queue base, an index or the abort error UNKNOWN
  // (not programmed since reset, or a v3.1 write while enabled) the record may go anywhere.
  if (!EventQueueKnown(regs, p)) {
    MarkEventQueueUnknown(regs);
    return;
  }
  // R-EVTQ-005: while GERROR.EVENTQ_ABT_ERR is active the queue is not writable; events are
  // discarded.
  if (SMMUREF_RULE_IF("R-EVTQ-005",
                      regs.GerrorActive(static_cast<unsigned>(rf::GERROR_EVENTQ_ABT_ERR.lsb)))) {
    return;
  }
  const uint64_t base_reg = regs.Read(Reg::EVENTQ_BASE);
  // R-EVTQ-002: the queue holds 2^MIN(LOG2SIZE, IDR1.EVENTQS) 32-byte records from a base
  // aligned to MAX(32, queue size); PROD and CONS carry the index and a wrap bit above it.
  SMMUREF_RULE("R-EVTQ-002");
  const unsigned qs = std::min<unsigned>(
      static_cast<unsigned>(spec::Get(&base_reg, rf::EVENTQ_BASE_LOG2SIZE)), p.eventqs);
  const QueuePointer q{qs};
  // R-EVTQ-007: a queue address at or above the OAS is truncated to it [§3.4.3 (6)].
  if (((spec::Get(&base_reg, rf::EVENTQ_BASE_ADDR) << 5) >> p.oas) != 0) SMMUREF_RULE("R-EVTQ-007");
  const uint64_t base = (spec::Get(&base_reg, rf::EVENTQ_BASE_ADDR) << 5) &
                        ~((uint64_t{1} << std::max(5u, qs + 5)) - 1) &
                        ((uint64_t{1} << p.oas) - 1);
  uint64_t prod = regs.Read(Reg::EVENTQ_PROD);
  const uint64_t cons = regs.Read(Reg::EVENTQ_CONS);
  if (q.Full(static_cast<uint32_t>(prod), static_cast<uint32_t>(cons))) {
    // R-EVTQ-003: a full queue discards the event and toggles EVENTQ_PROD.OVFLG, unless an
    // overflow is already pending (OVFLG != EVENTQ_CONS.OVACKFLG).
    SMMUREF_RULE("R-EVTQ-003");
    if (spec::Get(&prod, rf::EVENTQ_PROD_OVFLG) == spec::Get(&cons, rf::EVENTQ_CONS_OVACKFLG)) {
      spec::Set(&prod, rf::EVENTQ_PROD_OVFLG, spec::Get(&prod, rf::EVENTQ_PROD_OVFLG) ^ 1);
      regs.Set(Reg::EVENTQ_PROD, prod);
    }
    return;
  }
  const uint64_t slot = base + uint64_t{q.Index(static_cast<uint32_t>(prod))} * 32;
  for (int i = 0; i < 4; ++i) {
    if (mem.Read64(slot + 8 * i).abort) {
      // R-EVTQ-006: an external abort on the queue write loses the record and activates
      // GERROR.EVENTQ_ABT_ERR (abort ranges refuse SMMU writes as well as reads).
      SMMUREF_RULE("R-EVTQ-006");
      regs.ToggleGerror(static_cast<unsigned>(rf::GERROR_EVENTQ_ABT_ERR.lsb));
      return;
    }
  }
  uint64_t rec[4];
  spec::EncodeEvent(e, rec);
  for (int i = 0; i < 4; ++i) mem.Write64(slot + 8 * i, rec[i]);
  // R-EVTQ-004: the record becomes visible when PROD is advanced past it; the increment wraps
  // the index into the wrap bit.
  SMMUREF_RULE("R-EVTQ-004");
  spec::Set(&prod, rf::EVENTQ_PROD_WR, q.Next(static_cast<uint32_t>(prod)));
  regs.Set(Reg::EVENTQ_PROD, prod);
}

}  // namespace smmuref::model::arch
