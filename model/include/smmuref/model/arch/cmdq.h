// The command queue consumer [IHI0070 §4, §6.3.26-§6.3.27, §7.1].
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/cmdq/*.vec
#pragma once

#include "smmuref/model/arch/cache.h"
#include "smmuref/model/arch/memory.h"
#include "smmuref/model/arch/regs.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// CMDQ_CONS.ERR codes [IHI0070 §7.1].
inline constexpr unsigned kCerrorNone = 0x00;
inline constexpr unsigned kCerrorIll = 0x01;
inline constexpr unsigned kCerrorAbt = 0x02;

// Consumes commands while the queue is enabled, non-empty and CMDQ_ERR is inactive. Invalidations
// are recorded in `cache` as pending; a CMD_SYNC completes them.
void ProcessCommandQueue(Registers& regs, Memory& mem, CacheState& cache, const spec::Profile& p);

// Whether a command is legal under the profile (CERROR_ILL otherwise), before any effect.
unsigned CheckCommand(const uint64_t cmd[2], const spec::Profile& p);

// The invalidation a legal CFGI_*/TLBI_* command performs; false for other commands.
// `e2h` is SMMU_CR2.E2H when the command is consumed: 0, 1, or -1 if UNKNOWN.
bool DecodeInvalidation(const uint64_t cmd[2], const spec::Profile& p, Invalidation* out,
                        int e2h = 0);

}  // namespace smmuref::model::arch
