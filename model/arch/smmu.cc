// The reference SMMU: state plus the entry points that drive the pure functions.
// Tests: tests/model/arch/smmu_test.cc, tests/model/arch/cache_test.cc, corpus/vectors/**/*.vec
#include "smmuref/model/arch/smmu.h"

#include "smmuref/model/arch/cmdq.h"
#include "smmuref/model/arch/evtq.h"
#include "smmuref/model/arch/translate.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::Reg;

Smmu::Smmu(const spec::Profile& p) : profile_(p), regs_(profile_) {}

void Smmu::WriteReg(Reg r, uint64_t v) {
  regs_.Write(r, v);
  AfterRegWrite(r);
}

void Smmu::WriteReg32(Reg r, bool high, uint32_t v) {
  regs_.Write32(r, high, v);
  AfterRegWrite(r);
}

void Smmu::AfterRegWrite(Reg r) {
  const uint64_t now = mem_.Tick();
  // R-CACHE-004: the periods with SMMUEN=1 are the only ones whose values may be cached.
  cache_.SetEnabled(regs_.SmmuEnabled(), now);
  // C-CMDQ-002: the commands a PROD write publishes may be consumed from now on.
  if (r == Reg::CMDQ_PROD) cache_.NotePublished(now, static_cast<uint32_t>(regs_.Read(r)));
  // C-EVT-006: nothing merges into a record of a queue reprogrammed or disabled since.
  if (r == Reg::EVENTQ_BASE || r == Reg::EVENTQ_PROD || !regs_.EventqEnabled()) {
    last_record_.reset();
  }
}

void Smmu::ProcessCommands() { ProcessCommandQueue(regs_, mem_, cache_, profile_); }

spec::Result<std::vector<spec::TxnOutcome>> Smmu::Translate(const spec::Txn& txn) const {
  TranslateContext ctx;
  ctx.p = &profile_;
  ctx.smmuen = regs_.SmmuEnabled();
  ctx.gbpa_abort = regs_.GbpaAbort();
  ctx.e2h = regs_.E2h();
  ctx.strtab.base = regs_.Read(Reg::STRTAB_BASE);
  ctx.strtab.cfg = regs_.Read(Reg::STRTAB_BASE_CFG);
  ctx.strtab.record_invalid_sid = regs_.RecordInvalidSid();
  namespace rf = spec::reg;
  ctx.strtab.record_invalid_sid_unknown = !regs_.Known(Reg::CR2, rf::CR2_RECINVSID);
  ctx.gbpa_abort_unknown = !regs_.Known(Reg::GBPA, rf::GBPA_ABORT);
  ctx.last_record = last_record_ ? &*last_record_ : nullptr;
  ctx.e2h_unknown = profile_.hyp && !regs_.Known(Reg::CR2, rf::CR2_E2H);
  // The fields a stream table lookup uses: ADDR below the OAS, LOG2SIZE, and FMT/SPLIT.
  const uint64_t below_oas = (uint64_t{1} << profile_.oas) - 1;
  ctx.strtab_unknown =
      (regs_.UnknownMask(Reg::STRTAB_BASE) & FieldBits(rf::STRTAB_BASE_ADDR) & below_oas) != 0 ||
      (regs_.UnknownMask(Reg::STRTAB_BASE_CFG) & spec::RegDefinedMask(Reg::STRTAB_BASE_CFG, profile_)) != 0;
  AllowedSetFetcher fetch(mem_, cache_, profile_);
  std::vector<spec::TxnOutcome> out;
  do {
    if (fetch.runs() > AllowedSetFetcher::kMaxRuns) {
      // R-CACHE-009: the allowed set is computed exactly or not at all.
      SMMUREF_RULE("R-CACHE-009");
      return spec::Error{"", "allowed-set bound exceeded: more than " +
                                 std::to_string(AllowedSetFetcher::kMaxRuns) +
                                 " combinations of cached values for one transaction "
                                 "(R-CACHE-009); invalidate before translating",
                         spec::ErrorKind::kBound};
    }
    spec::TxnOutcome o = TranslateTxn(ctx, txn, fetch);
    if (fetch.dead()) continue;  // a combination that describes no possible walk
    bool seen = false;
    for (const auto& e : out) seen = seen || e.SameObservation(o);
    if (seen) continue;
    o.provenance = fetch.Provenance();
    out.push_back(std::move(o));
  } while (fetch.Next());
  return out;
}

void Smmu::Commit(const spec::TxnOutcome& o) {
  if (o.kind == spec::TxnOutcome::Kind::kUnpredictable) {
    // Any outcome was allowed, a record included: the event queue is no longer known.
    MarkEventQueueUnknown(regs_);
    last_record_.reset();
    return;
  }
  // C-EVT-006: a merged event writes no record; the record it was merged into stays the last.
  if (o.merged) return;
  if (o.event) {
    const bool written = WriteEvent(regs_, mem_, profile_, *o.event);
    if (written) last_record_ = *o.event;
    else last_record_.reset();
  }
}

uint64_t Smmu::RegUnknownMask(Reg r) const {
  // C-REG-009: RES0 and IMPLEMENTATION DEFINED bits are never compared; C-REG-001..011: nor are
  // bits whose value is UNKNOWN in the current state.
  const uint64_t width = spec::RegIs64(r) ? ~uint64_t{0} : 0xffffffffull;
  return (regs_.UnknownMask(r) | ~spec::RegDefinedMask(r, profile_)) & width;
}

}  // namespace smmuref::model::arch
