// The list of deliberately wrong engine variants (mutant.h). Each id has exactly one mutation
// point `if (SMMUREF_MUTANT(id))` in impl/arch/*.cc, next to a comment naming the id.
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

namespace {
constexpr MutantInfo kMutants[] = {
    {1, "CMD_TLBI_NH_VA/NH_ASID compare the ASID wrongly (entries of the given ASID survive)"},
    {2, "range invalidation one page short (the last page of the range survives)"},
    {3, "a block descriptor at an illegal level is accepted"},
    {4, "CMD_CFGI_STE leaves the cached STE in place"},
    {5, "TBI ignored: the top byte takes part in the input range check"},
    {6, "fault priority: permission checked before the access flag"},
    {7, "address-size check skipped on table descriptors"},
    {8, "PAN ignored"},
    {9, "S1DSS=0b10 (substream0) treated as terminate"},
    {10, "event records report RnW inverted"},
    {11, "command-queue CONS does not toggle its wrap bit"},
    {12, "IOTLB lookups ignore the ASID of non-global entries"},
    {13, "stage-2 write permission (S2AP[1]) ignored"},
    {14, "C_BAD_STREAMID recorded even with CR2.RECINVSID=0"},
};
}  // namespace

const MutantInfo* Mutants(int* count) {
  *count = static_cast<int>(sizeof(kMutants) / sizeof(kMutants[0]));
  return kMutants;
}

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
