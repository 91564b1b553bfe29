// Updating a live STE or CD without the SMMU ever seeing a third configuration [IHI0070 §3.21.3:
// the SMMU may fetch each doubleword of a structure on its own, so between two syncs it may see
// any per-doubleword mix of the entry before and after the writes].
//
// The planner works from "used bits": the bits of an entry that the configuration it describes
// makes the SMMU read (SteUsedBits, CdUsedBits). Bits a configuration does not use can change
// under it freely. A plan is a sequence of entries, each one written and then made visible by
// CMD_CFGI_STE or CMD_CFGI_CD and CMD_SYNC:
//   1. every bit the current entry does not use takes its target value;
//   2. if then at most one doubleword still differs from the target in bits the TARGET uses,
//      that "critical" doubleword is written whole: before it the entry means the current
//      configuration, after it the target's;
//   3. the remaining bits (used by the current entry, unused by the target) are written.
// When two or more doublewords are critical no hitless order exists for this algorithm: the
// entry goes through V=0 (DW0 with V cleared; every other doubleword; DW0), and the SMMU may see
// an invalid entry (C_BAD_STE or C_BAD_CD) in between, never a mix. Step 1 is merged into step
// 2, or step 2 into step 3, when no torn read can tell the difference (so a change within one
// doubleword is one sync); steps that write nothing are left out, so the number of steps is the
// number of syncs.
// The same fact underlies Linux's arm_smmu_write_entry; this is the driver's own derivation.
// Tests: tests/impl/driver/update_test.cc (every torn read judged by the model),
//        tests/cli/explain_update_cli_test.cc (against `smmuref query --ask hitless`)
#pragma once

#include <string>
#include <vector>

#include "smmuref/impl/driver/layout.h"

namespace smmuref::impl::driver {

enum class EntryKind { kSte, kCd };

// The bits the SMMU reads in `ste` under the configuration it describes: V=0 uses only V;
// Config=abort uses V and Config; bypass adds the attribute overrides; stage 1 adds the CD
// table pointer and format, S1DSS (with S1CDMax > 0), the CD fetch attributes, S1STALLD, STRW
// (stage 1 alone) and S2VMID; stage 2 adds S2VMID, the VTCR fields, S2TTB and the stage-2
// flags [IHI0070 §5.2, §5.2.1]. A superset of what any one profile reads, so that it holds for
// every profile.
Entry SteUsedBits(const Entry& ste);
// The bits the SMMU reads in `cd`: V=0 uses only V; otherwise every bit except the walk fields
// of a half disabled by EPDx (TxSZ, TGx, IRGNx, ORGNx, SHx, TTBx) [IHI0070 §5.4].
Entry CdUsedBits(const Entry& cd);
Entry UsedBits(EntryKind kind, const Entry& e);

struct UpdatePlan {
  // The whole entry after each step; each step is followed by a CFGI and a CMD_SYNC.
  std::vector<Entry> steps;
  // False when the entry goes through V=0 (no hitless order was found).
  bool hitless = true;
  size_t Syncs() const { return steps.size(); }
};

UpdatePlan PlanUpdate(EntryKind kind, const Entry& from, const Entry& to);

// The plan as text: one line per sync with the entry's doublewords at that sync, then
// "syncs=N hitless=yes|no" (the output of `smmuref explain-update`).
std::string FormatPlan(EntryKind kind, const Entry& from, const UpdatePlan& plan);

}  // namespace smmuref::impl::driver
