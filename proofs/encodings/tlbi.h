// The model's TLB invalidation scopes as Z3 terms (model/arch/cmdq.cc DecodeInvalidation,
// model/arch/cache.cc Covers): which cached stage-1 or stage-2 descriptor entries a TLBI_*
// command covers, by regime, VMID, ASID (global entries), and address (one address, or the
// range (NUM+1) x 2^SCALE granules with TG and TTL) [IHI0070 §4.4].
// Tests: proofs/cross/tlbi_test.cc, tests/proofs/equiv_main.cc
#pragma once

#include "../lib/bv.h"
#include "profile.h"

namespace smmuref::proofs {

// A cached walk entry as the model tags it (FetchTag for kS1Desc/kS2Desc): the StreamWorld is
// NS-EL2 (`el2`; commands are taken as consumed with CR2.E2H=0), its ASID and VMID, the input address of the walk, the level and
// granule of the entry, whether it is a leaf, and whether the leaf is global (nG=0).
struct EntryTerms {
  Bv el2, asid, vmid, va, level, granule_shift, leaf, global;
};

// The decoded address operand of a TLBI by VA/IPA (R-TLBI-004..006, R-TLBI-012).
struct TlbiAddressTerms {
  Bv addr, leaf, tg_shift, ttl, length;  // length 0: the entries holding addr
};
TlbiAddressTerms DecodeTlbiAddressTerm(const Bv* cmd, const ProfileTerms& p, bool ipa);

// Whether the command `cmd` (opcode `op`, concrete) covers the entry: stage-1 entries
// (kS1Desc) when `stage2` is false, stage-2 entries (kS2Desc) otherwise (R-TLBI-001..010).
Bool TlbiCoversTerm(uint8_t op, const Bv* cmd, const ProfileTerms& p, bool stage2,
                    const EntryTerms& e);

// Whether an address operand reaches the entry (AddressCovers) of stage 1 or stage 2.
Bool AddressCoversTerm(const TlbiAddressTerms& inv, const EntryTerms& e, bool stage1);

}  // namespace smmuref::proofs
