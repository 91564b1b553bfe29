// Reserved (RES0) bits of STEs, CDs, L1STDs and L1CDs under a profile, and the implementation's
// choice between ignoring them and considering the structure invalid [IHI0070 chapter 5].
// Tests: tests/model/arch/reserved_test.cc
#pragma once

#include <cstdint>

#include "smmuref/model/arch/config.h"
#include "smmuref/model/arch/memory.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// The reserved bits of each doubleword.
void SteReservedMask(const spec::Profile& p, uint64_t mask[8]);
void CdReservedMask(const spec::Profile& p, StreamWorld world, uint64_t mask[8]);
uint64_t L1StdReservedMask();
uint64_t L1CdReservedMask(bool leaf_64k);

bool HasReservedBits(const uint64_t* words, const uint64_t* mask, unsigned n);

// Whether a structure with a non-zero reserved field is treated as invalid (profile field
// struct_res0; with `any` a choice point named `id`).
bool TreatAsInvalid(const spec::Profile& p, Fetcher& fetch, const char* id);

}  // namespace smmuref::model::arch
