// VMSAv8-64 translation table walks as the SMMU performs them: stage 1 (TTB0/TTB1 selection, TBI,
// EPD, start level from TxSZ) and stage 2 (start level from S2SL0, concatenated tables), blocks
// per granule, address-size checks on every descriptor output, access flag and permissions, and
// the stage-2 translation of every stage-1 table address in nested configurations
// [IHI0070 §3.4; DDI0487 D8].
// Tests: tests/model/arch/walk_test.cc, tests/model/arch/perm_test.cc
#pragma once

#include <cstdint>

#include "smmuref/model/arch/config.h"
#include "smmuref/model/arch/memory.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// The access being translated, after STE PRIVCFG/INSTCFG overrides.
struct Access {
  bool write = false;
  bool instr = false;  // instruction fetch (never with write)
  bool priv = false;
};

// Whether a translation-table descriptor read at `level` may be held in a TLB or walk cache:
// only one whose use produces no fault (R-CACHE-003): valid, of a kind legal at the level, with a
// next-level table or output address within `oa_bits`, and (for a block or page) with AF=1 or
// the stage's AFFD. `leaf` and `global` (stage 1, nG=0) describe the entry it would form.
struct TlbEligibility {
  bool cacheable = false;
  bool leaf = false;
  bool global = false;
};
TlbEligibility DescriptorTlbEligibility(bool stage1, uint64_t desc, int level,
                                        unsigned granule_shift, bool affd, unsigned oa_bits);

// The level a stage-1 walk starts at for an input of `ia_bits` (64 - TxSZ) bits and granule
// 2^granule_shift: 4 - ceil((ia_bits - granule_shift) / (granule_shift - 3)) [DDI0487 D8.2].
int S1StartLevel(unsigned ia_bits, unsigned granule_shift);

// Stage 1: translates `va` through `cd` and returns the output address (an IPA when `s2` is
// non-null, i.e. nested, else a PA). Each table-descriptor address is itself translated by stage 2
// when nested (faults there have S2=1, CLASS=TT, IPA = descriptor address). Faults are stage 1
// (S2=0) with CLASS=IN, except F_WALK_EABT which uses CLASS=TT. `tag` carries sid/vmid/asid for
// the fetcher.
Step<uint64_t> S1Translate(const CdConfig& cd, StreamWorld world, uint64_t va, Access access,
                           const S2Config* s2, const spec::Profile& p, Fetcher& fetch,
                           FetchTag tag);

// Stage 2: translates `ipa` through `s2` and returns the PA. `cls` is the purpose of the access
// (CD fetch, stage-1 table walk, or the transaction's input) and is reported in faults with S2=1
// and IPA = `ipa`. Table walks and CD fetches are reads (`access` is then a privileged data read).
Step<uint64_t> S2Translate(const S2Config& s2, uint64_t ipa, Access access,
                           spec::FaultClass cls, const spec::Profile& p, Fetcher& fetch,
                           FetchTag tag);

}  // namespace smmuref::model::arch
