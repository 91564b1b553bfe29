// Stage-1 and stage-2 permission checks and the access flag on leaf descriptors
// [IHI0070 §5.2 S2AFFD/S2PTW, §5.4 AFFD/WXN/PAN/HADx, §13.1.1; DDI0487 D8.4 (direct
// permissions), D8.5 (access flag)].
// Tests: tests/model/arch/perm_test.cc (and the walk-level cases in walk_test.cc)
#include "smmuref/model/arch/perm.h"

#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

namespace desc_s1 = spec::desc_s1;
namespace desc_s2 = spec::desc_s2;

void AccumulateTableAttrs(uint64_t table_desc, bool had, S1TableAttrs* attrs) {
  // R-PERM-009: with HADx = 1 (IDR3.HAD = 1) APTable, UXNTable and PXNTable are IGNORED.
  if (SMMUREF_RULE_IF("R-PERM-009", had)) return;
  // R-PERM-007: APTable[1] removes write permission and APTable[0] removes EL0 access at every
  // later level of the walk.
  const uint64_t ap_table = spec::Get(&table_desc, desc_s1::APTable);
  if (ap_table != 0) SMMUREF_RULE("R-PERM-007");
  attrs->no_write |= (ap_table & 2) != 0;
  attrs->no_el0 |= (ap_table & 1) != 0;
  // R-PERM-008: UXNTable (XNTable) and PXNTable make everything below not executable at that
  // privilege.
  if (spec::Get(&table_desc, desc_s1::UXNTable) | spec::Get(&table_desc, desc_s1::PXNTable)) {
    SMMUREF_RULE("R-PERM-008");
  }
  attrs->uxn |= spec::Get(&table_desc, desc_s1::UXNTable) != 0;
  attrs->pxn |= spec::Get(&table_desc, desc_s1::PXNTable) != 0;
}

bool S1AccessFlagFaults(uint64_t leaf_desc, bool affd) {
  // R-PERM-010: AF == 0 on a block or page faults (F_ACCESS) unless AFFD treats it as 1.
  return spec::Get(&leaf_desc, desc_s1::AF) == 0 && !affd;
}

bool S2AccessFlagFaults(uint64_t leaf_desc, bool affd) {
  // R-PERM-010: the same at stage 2 with STE.S2AFFD.
  return spec::Get(&leaf_desc, desc_s2::AF) == 0 && !affd;
}

namespace {

// R-PERM-002: the NS-EL2 StreamWorld has one privilege level: AP[1] is ignored, AP[2] alone
// selects read-only, only XN (bit 54, with XNTable) controls execution; PXN, PXNTable,
// APTable[0] and PAN have no effect.
const char* CheckSinglePrivilege(uint64_t leaf, const S1TableAttrs& table, const CdConfig& cd,
                                 Access access) {
  SMMUREF_RULE("R-PERM-002");
  const bool leaf_ro = (spec::Get(&leaf, desc_s1::AP) & 2) != 0;
  const bool writable = !leaf_ro && !table.no_write;
  if (access.instr) {
    // R-PERM-003: an instruction fetch needs execute permission only.
    SMMUREF_RULE("R-PERM-003");
    if (spec::Get(&leaf, desc_s1::UXN) != 0) return "R-PERM-002";
    if (table.uxn) return "R-PERM-008";
    // R-PERM-005: WXN makes writable memory not executable.
    if (SMMUREF_RULE_IF("R-PERM-005", cd.wxn && writable)) return "R-PERM-005";
    return nullptr;
  }
  if (access.write && !writable) return leaf_ro ? "R-PERM-002" : "R-PERM-007";
  return nullptr;
}

// Execute permission for an EL1&0-type regime; `pw`/`uw` are the effective write permissions.
const char* CheckS1Execute(uint64_t leaf, const S1TableAttrs& table, const CdConfig& cd,
                           bool priv, bool pw, bool uw) {
  if (priv) {
    if (spec::Get(&leaf, desc_s1::PXN) != 0) return "R-PERM-003";
    if (table.pxn) return "R-PERM-008";
    // R-PERM-004: memory writable at EL0 is never executable at EL1 (implicit PXN).
    if (SMMUREF_RULE_IF("R-PERM-004", uw)) return "R-PERM-004";
    if (SMMUREF_RULE_IF("R-PERM-005", cd.wxn && pw)) return "R-PERM-005";
    return nullptr;
  }
  if (spec::Get(&leaf, desc_s1::UXN) != 0) return "R-PERM-003";
  if (table.uxn) return "R-PERM-008";
  if (SMMUREF_RULE_IF("R-PERM-005", cd.wxn && uw)) return "R-PERM-005";
  return nullptr;
}

}  // namespace

const char* CheckS1Permission(uint64_t leaf_desc, const S1TableAttrs& table, StreamWorld world,
                              const CdConfig& cd, Access access) {
  if (world == StreamWorld::kNsEl2) return CheckSinglePrivilege(leaf_desc, table, cd, access);

  // R-PERM-001: EL1&0-type regimes (NS-EL1, EL2-E2H): AP[2:1] 0b00 privileged RW, EL0 none;
  // 0b01 RW at both; 0b10 privileged RO, EL0 none; 0b11 RO at both.
  SMMUREF_RULE("R-PERM-001");
  const uint64_t ap = spec::Get(&leaf_desc, desc_s1::AP);
  const bool leaf_ro = (ap & 2) != 0, leaf_el0 = (ap & 1) != 0;
  const bool ro = leaf_ro || table.no_write;  // R-PERM-007
  const bool el0 = leaf_el0 && !table.no_el0;
  const bool pw = !ro;
  const bool ur = el0;
  const bool uw = el0 && !ro;

  if (access.instr) {
    // R-PERM-003: an instruction fetch is checked for execute permission only (EL0 execute-only
    // memory, AP = 0b00 with UXN = 0, is usable).
    SMMUREF_RULE("R-PERM-003");
    return CheckS1Execute(leaf_desc, table, cd, access.priv, pw, uw);
  }
  if (access.priv) {
    // R-PERM-006: with CD.PAN, a privileged data access to memory that EL0 can access faults.
    if (SMMUREF_RULE_IF("R-PERM-006", cd.pan && ur)) return "R-PERM-006";
    if (access.write && !pw) return leaf_ro ? "R-PERM-001" : "R-PERM-007";
    return nullptr;
  }
  if (!ur) return leaf_el0 ? "R-PERM-007" : "R-PERM-001";
  if (access.write && !uw) return leaf_ro ? "R-PERM-001" : "R-PERM-007";
  return nullptr;
}

const char* CheckS2Permission(uint64_t leaf_desc, Access access, bool xnx) {
  if (access.instr) {
    const uint64_t xn = spec::Get(&leaf_desc, desc_s2::XN);
    if (!xnx) {
      // R-PERM-013: without IDR3.XNX only XN[1] (bit 54) counts; XN[0] is RES0 and ignored.
      SMMUREF_RULE("R-PERM-013");
      return (xn & 2) != 0 ? "R-PERM-013" : nullptr;
    }
    // R-PERM-012: with IDR3.XNX, XN[1:0] 0b00 executable at EL1 and EL0, 0b01 not at EL1,
    // 0b10 at neither, 0b11 not at EL0; privileged transactions count as EL1.
    SMMUREF_RULE("R-PERM-012");
    const bool executable = xn == 0 || (xn == 1 && !access.priv) || (xn == 3 && access.priv);
    return executable ? nullptr : "R-PERM-012";
  }
  // R-PERM-011: S2AP[0] (bit 6) grants data reads and S2AP[1] (bit 7) data writes:
  // 0b00 none, 0b01 read-only, 0b10 write-only, 0b11 read/write.
  SMMUREF_RULE("R-PERM-011");
  const uint64_t s2ap = spec::Get(&leaf_desc, desc_s2::S2AP);
  const bool allowed = access.write ? (s2ap & 2) != 0 : (s2ap & 1) != 0;
  return allowed ? nullptr : "R-PERM-011";
}

bool S2LeafIsDevice(uint64_t leaf_desc) {
  // MemAttr[3:2] == 0b00 encodes Device-nGnRnE/nGnRE/nGRE/GRE [DDI0487 D8.6.5].
  return (spec::Get(&leaf_desc, desc_s2::MemAttr) >> 2) == 0;
}

}  // namespace smmuref::model::arch
