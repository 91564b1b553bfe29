// Queue geometry and event-queue reading from the software side [IHI0070 §3.5, §7.1].
#include "smmuref/conform/evtq_reader.h"

#include <algorithm>

#include "smmuref/spec/tables.h"

namespace smmuref::conform {

using spec::Reg;
namespace rf = spec::reg;

namespace {
// OAS in bits from SMMU_IDR5.OAS [IHI0070 §6.3.6].
unsigned OasBits(Device& d) {
  static const unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  const uint64_t idr5 = d.RegRead(Reg::IDR5);
  return kBits[spec::Get(&idr5, rf::IDR5_OAS) & 7];
}

QueueGeometry Geometry(uint64_t base_reg, spec::Field log2f, spec::Field addrf, unsigned cap,
                       unsigned entry_log2, unsigned oas) {
  QueueGeometry q;
  q.log2size = std::min<unsigned>(static_cast<unsigned>(spec::Get(&base_reg, log2f)), cap);
  const unsigned align = std::max(5u, q.log2size + entry_log2);
  // A queue address at or above the OAS is truncated to it [IHI0070 §3.4.3].
  q.base = (spec::Get(&base_reg, addrf) << 5) & ~((uint64_t{1} << align) - 1) &
           ((uint64_t{1} << oas) - 1);
  return q;
}
}  // namespace

QueueGeometry CommandQueue(Device& d, const spec::Profile& p) {
  const uint64_t idr1 = d.RegRead(Reg::IDR1);
  return Geometry(d.RegRead(Reg::CMDQ_BASE), rf::CMDQ_BASE_LOG2SIZE, rf::CMDQ_BASE_ADDR,
                  static_cast<unsigned>(spec::Get(&idr1, rf::IDR1_CMDQS)), 4, OasBits(d));
}

QueueGeometry EventQueue(Device& d, const spec::Profile& p) {
  const uint64_t idr1 = d.RegRead(Reg::IDR1);
  return Geometry(d.RegRead(Reg::EVENTQ_BASE), rf::EVENTQ_BASE_LOG2SIZE, rf::EVENTQ_BASE_ADDR,
                  static_cast<unsigned>(spec::Get(&idr1, rf::IDR1_EVENTQS)), 5, OasBits(d));
}

std::optional<spec::EventRecord> PeekEvent(Device& d, const spec::Profile& p) {
  const QueueGeometry q = EventQueue(d, p);
  const uint64_t prod = d.RegRead(Reg::EVENTQ_PROD), cons = d.RegRead(Reg::EVENTQ_CONS);
  if (q.Value(prod) == q.Value(cons)) return std::nullopt;
  const uint64_t slot = q.base + q.Index(cons) * 32;
  uint64_t rec[4];
  for (int i = 0; i < 4; ++i) rec[i] = d.MemRead64(slot + 8 * i);
  return spec::DecodeEvent(rec);
}

std::optional<spec::EventRecord> PopEvent(Device& d, const spec::Profile& p) {
  auto rec = PeekEvent(d, p);
  if (rec) {
    const QueueGeometry q = EventQueue(d, p);
    d.RegWrite(Reg::EVENTQ_CONS, q.Next(d.RegRead(Reg::EVENTQ_CONS)));
  }
  return rec;
}

void ConsumeEvents(Device& d, const spec::Profile& p) {
  const QueueGeometry q = EventQueue(d, p);
  const uint64_t prod = d.RegRead(Reg::EVENTQ_PROD), cons = d.RegRead(Reg::EVENTQ_CONS);
  if (q.Value(prod) == q.Value(cons)) return;
  const uint64_t mask = (uint64_t{2} << q.log2size) - 1;
  d.RegWrite(Reg::EVENTQ_CONS, (cons & ~mask) | (prod & mask));
}

}  // namespace smmuref::conform
