// The reference SMMU: state plus the entry points that drive the pure functions.
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/**/*.vec
#include "smmuref/model/arch/smmu.h"

#include "smmuref/model/arch/cmdq.h"
#include "smmuref/model/arch/evtq.h"
#include "smmuref/model/arch/translate.h"

namespace smmuref::model::arch {

using spec::Reg;

Smmu::Smmu(const spec::Profile& p) : profile_(p), regs_(profile_) {}

void Smmu::ProcessCommands() { ProcessCommandQueue(regs_, mem_, profile_); }

std::vector<spec::TxnOutcome> Smmu::Translate(const spec::Txn& txn) const {
  TranslateContext ctx;
  ctx.p = &profile_;
  ctx.smmuen = regs_.SmmuEnabled();
  ctx.gbpa_abort = regs_.GbpaAbort();
  ctx.e2h = regs_.E2h();
  ctx.strtab.base = regs_.Read(Reg::STRTAB_BASE);
  ctx.strtab.cfg = regs_.Read(Reg::STRTAB_BASE_CFG);
  ctx.strtab.record_invalid_sid = regs_.RecordInvalidSid();
  CurrentMemoryFetcher fetch(mem_);
  return {TranslateTxn(ctx, txn, fetch)};
}

void Smmu::Commit(const spec::TxnOutcome& o) {
  if (o.event) WriteEvent(regs_, mem_, profile_, *o.event);
}

}  // namespace smmuref::model::arch
