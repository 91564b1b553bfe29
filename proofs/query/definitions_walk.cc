// Query functions over the walk, permissions, commands, queues, TLBI coverage, the stream
// table, substream selection, CD tables and the IOMMU API rules (definitions.h).
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2
#include "proofs/encodings/api.h"
#include "proofs/encodings/cd.h"
#include "proofs/encodings/cmdq.h"
#include "proofs/encodings/perm.h"
#include "proofs/encodings/ste.h"
#include "proofs/encodings/strtab.h"
#include "proofs/encodings/tlbi.h"
#include "proofs/encodings/walk.h"
#include "proofs/query/definitions.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace {

using Args = std::vector<Bv>;
namespace op = spec::cmd::op;

const uint8_t kTlbi[] = {op::CMD_TLBI_NH_ALL, op::CMD_TLBI_NH_ASID, op::CMD_TLBI_NH_VA,
                         op::CMD_TLBI_NH_VAA, op::CMD_TLBI_EL2_ALL, op::CMD_TLBI_EL2_ASID,
                         op::CMD_TLBI_EL2_VA, op::CMD_TLBI_EL2_VAA, op::CMD_TLBI_S12_VMALL,
                         op::CMD_TLBI_S2_IPA, op::CMD_TLBI_NSNH_ALL};

// TlbiCoversTerm for the opcode in the command's own DW0 (false for other opcodes).
Bool CoversAny(const Args& a, const ProfileTerms& p, bool stage2) {
  const EntryTerms e{a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]};
  const Bv opcode = a[0] & Bv(0xff);
  Bool r = false;
  for (uint8_t o : kTlbi) r = Select(opcode == Bv(o), TlbiCoversTerm(o, a.data(), p, stage2, e), r);
  return r;
}

}  // namespace

void AddWalkDefinitions(std::vector<QueryDefinition>& d) {
  auto bv = [&](const std::string& name, std::vector<std::string> params, const std::string& what,
                QueryBody body) { DefineBv(d, name, std::move(params), what, std::move(body)); };
  auto bl = [&](const std::string& name, std::vector<std::string> params, const std::string& what,
                QueryBody body) { DefineBool(d, name, std::move(params), what, std::move(body)); };
  // VMSAv8-64 walk arithmetic [DDI0487 D8.2-D8.3]
  bv("level-shift", {"g", "level"}, "lowest input bit a level resolves (R-WALK-006)",
     [](const Args& a, const ProfileTerms&) { return LevelShiftTerm(a[0], a[1]).expr(); });
  bv("s1-start-level", {"ia", "g"}, "stage-1 start level for IA bits and granule 2^g (R-WALK-004)",
     [](const Args& a, const ProfileTerms&) { return S1StartLevelTerm(a[0], a[1]).expr(); });
  bl("s2-start-ok", {"t0sz", "sl0", "g"}, "S2T0SZ/S2SL0/granule consistent (R-STE-020)",
     [](const Args& a, const ProfileTerms& p) { return S2StartLevelTerm(a[0], a[1], a[2], p).ok.expr(); });
  bv("s2-start-level", {"t0sz", "sl0", "g"}, "stage-2 start level S2SL0 names (R-STE-020)",
     [](const Args& a, const ProfileTerms& p) { return S2StartLevelTerm(a[0], a[1], a[2], p).level.expr(); });
  bv("s2-concat", {"t0sz", "sl0", "g"}, "concatenated start tables (1..16)",
     [](const Args& a, const ProfileTerms& p) { return S2StartLevelTerm(a[0], a[1], a[2], p).concat.expr(); });
  bv("desc-address", {"table", "ia", "g", "level", "index_bits"}, "descriptor address (R-WALK-006)",
     [](const Args& a, const ProfileTerms&) { return DescriptorAddressTerm(a[0], a[1], a[2], a[3], a[4]).expr(); });
  bv("desc-kind", {"desc", "level", "g"}, "0 invalid, 1 table, 2 block, 3 page (R-WALK-008/009)",
     [](const Args& a, const ProfileTerms&) { return DecodeDescriptorTerm(a[0], a[1], a[2]).expr(); });
  bv("next-table", {"desc", "g"}, "next-level table address (R-WALK-010)",
     [](const Args& a, const ProfileTerms&) { return NextTableAddressTerm(a[0], a[1]).expr(); });
  bv("output-address", {"desc", "ia", "shift"}, "block/page output address (R-WALK-012)",
     [](const Args& a, const ProfileTerms&) { return OutputAddressTerm(a[0], a[1], a[2]).expr(); });
  bl("input-in-range", {"world", "tsz", "tbi", "va"}, "VA[AddrTop:IA] is the half's sign (R-WALK-002)",
     [](const Args& a, const ProfileTerms&) { return InputInRangeTerm(a[0], a[1], a[2], a[3]).expr(); });
  bv("effective-oa-bits", {"ps"}, "MIN(IPS/S2PS size, OAS) (R-STE-024, R-CD-015)",
     [](const Args& a, const ProfileTerms& p) { return EffectiveAddressSizeTerm(a[0], p).expr(); });
  // Permissions [DDI0487 D8.4]
  bl("s1-permits",
     {"leaf", "no_write", "no_el0", "uxn_table", "pxn_table", "world", "wxn", "pan", "write", "instr", "priv"},
     "stage-1 permission (R-PERM-001..008)", [](const Args& a, const ProfileTerms&) {
       return S1PermitsTerm(a[0], TableAttrTerms{a[1], a[2], a[3], a[4]}, a[5], a[6], a[7],
                            AccessTerms{a[8], a[9], a[10]}).expr();
     });
  bl("s2-permits", {"leaf", "write", "instr", "priv", "xnx"}, "stage-2 permission (R-PERM-011..013)",
     [](const Args& a, const ProfileTerms&) {
       return S2PermitsTerm(a[0], AccessTerms{a[1], a[2], a[3]}, a[4]).expr();
     });
  bl("af-faults", {"leaf", "affd"}, "access flag fault (R-PERM-010)",
     [](const Args& a, const ProfileTerms&) { return AccessFlagFaultsTerm(a[0], a[1]).expr(); });
  // Commands and queues [IHI0070 §3.5.1, §4]
  bl("cmd-cerror-ill", {"dw0", "dw1", "res0_ill"}, "the command is CERROR_ILL (R-CMDQ-003..010)",
     [](const Args& a, const ProfileTerms& p) { return (CheckCommandTerm(a.data(), p, a[2]) != Bv(0)).expr(); });
  bv("queue-index", {"reg", "qs"}, "index bits of PROD/CONS",
     [](const Args& a, const ProfileTerms&) { return QueuePointerTerm(a[0], a[1]).index.expr(); });
  bv("queue-next", {"reg", "qs"}, "the pointer after one entry, wrap bit included",
     [](const Args& a, const ProfileTerms&) { return QueuePointerTerm(a[0], a[1]).next.expr(); });
  bl("queue-empty", {"prod", "cons", "qs"}, "empty queue",
     [](const Args& a, const ProfileTerms&) { return QueueEmptyTerm(a[0], a[1], a[2]).expr(); });
  bl("queue-full", {"prod", "cons", "qs"}, "full queue",
     [](const Args& a, const ProfileTerms&) { return QueueFullTerm(a[0], a[1], a[2]).expr(); });
  // TLB invalidation [IHI0070 §4.4]
  const std::vector<std::string> tlbi = {"dw0", "dw1", "el2", "asid", "vmid", "va", "level", "g", "leaf", "global"};
  bl("tlbi-covers-s1", tlbi, "the TLBI command removes the stage-1 entry (R-TLBI-001..009)",
     [](const Args& a, const ProfileTerms& p) { return CoversAny(a, p, false).expr(); });
  bl("tlbi-covers-s2", tlbi, "the TLBI command removes the stage-2 entry (R-TLBI-009/010)",
     [](const Args& a, const ProfileTerms& p) { return CoversAny(a, p, true).expr(); });
  // Stream table, substreams, CD tables [IHI0070 §3.3, §5.1-§5.3]
  const std::vector<std::string> st = {"strtab_base", "strtab_cfg", "sid", "l1std"};
  bl("strtab-bad-sid", st, "C_BAD_STREAMID (R-STRTAB-001/008/009)",
     [](const Args& a, const ProfileTerms& p) { return LocateSteTerm(a[0], a[1], a[2], a[3], p).bad_sid.expr(); });
  bl("strtab-two-level", st, "a 2-level stream table (R-STRTAB-003)",
     [](const Args& a, const ProfileTerms& p) { return LocateSteTerm(a[0], a[1], a[2], a[3], p).two_level.expr(); });
  bv("strtab-l1-addr", st, "the L1STD address (R-STRTAB-006)",
     [](const Args& a, const ProfileTerms& p) { return LocateSteTerm(a[0], a[1], a[2], a[3], p).l1_addr.expr(); });
  bv("strtab-ste-addr", st, "the STE address (R-STRTAB-004/010)",
     [](const Args& a, const ProfileTerms& p) { return LocateSteTerm(a[0], a[1], a[2], a[3], p).ste_addr.expr(); });
  const std::vector<std::string> sel = {"ssv", "ssid", "s1cdmax", "s1dss"};
  bv("select-cd", sel, "0 a CD, 1 stage-1 bypass, 2 C_BAD_SUBSTREAMID, 3 F_STREAM_DISABLED (R-TXN-010..012)",
     [](const Args& a, const ProfileTerms& p) { return SelectCdTerm(a[0], a[1], a[2], a[3], p).outcome.expr(); });
  bv("select-cd-index", sel, "the CD-table index used",
     [](const Args& a, const ProfileTerms& p) { return SelectCdTerm(a[0], a[1], a[2], a[3], p).index.expr(); });
  const std::vector<std::string> loc = {"ctx_ptr", "s1cdmax", "s1fmt", "index"};
  bl("cd-two-level", loc, "a 2-level CD table (R-CD-020)",
     [](const Args& a, const ProfileTerms&) { return LocateCdTerm(a[0], a[1], a[2], a[3]).two_level.expr(); });
  bv("cd-locate", loc, "the CD, or its L1CD for a 2-level table (R-CD-018..021)",
     [](const Args& a, const ProfileTerms&) { return LocateCdTerm(a[0], a[1], a[2], a[3]).addr.expr(); });
  const std::vector<std::string> leaf = {"l1cd", "cd_ptr_bits", "s1fmt", "index"};
  bl("cd-leaf-ok", leaf, "the L1CD is usable (R-CD-022/023)",
     [](const Args& a, const ProfileTerms&) { return CdFromL1CdTerm(a[0], a[1], a[2], a[3]).ok.expr(); });
  bv("cd-leaf-addr", leaf, "the CD address in the leaf table (R-CD-024)",
     [](const Args& a, const ProfileTerms&) { return CdFromL1CdTerm(a[0], a[1], a[2], a[3]).addr.expr(); });
  // IOMMU API [spec/rules-api.md]
  const std::vector<std::string> pg = {"bitmap", "iova", "pa", "size"};
  bv("iommu-pgsize", pg, "the page size iommu_pgsize picks, 0 if none (R-MAP-004)",
     [](const Args& a, const ProfileTerms&) { return PgSizeTerm(a[0], a[1], a[2], a[3]).pgsize.expr(); });
  bv("iommu-pgcount", pg, "the run length of that page size (R-MAP-004)",
     [](const Args& a, const ProfileTerms&) { return PgSizeTerm(a[0], a[1], a[2], a[3]).count.expr(); });
  bv("min-page-size", {"bitmap"}, "the smallest page size of a bitmap",
     [](const Args& a, const ProfileTerms&) { return MinPageSizeTerm(a[0]).expr(); });
  const std::vector<std::string> pr = {"device_bits", "instance_bits", "min_pasid", "instance_floor"};
  bv("pasid-count", pr, "PASIDs a device may use (R-API-012)",
     [](const Args& a, const ProfileTerms&) { return PasidRangeTerm(a[0], a[1], a[2], a[3]).count.expr(); });
  bv("pasid-lowest", pr, "the lowest PASID handed out (R-API-011)",
     [](const Args& a, const ProfileTerms&) { return PasidRangeTerm(a[0], a[1], a[2], a[3]).lo.expr(); });
  bl("pasid-range-ok", pr, "the device's PASID range is not empty",
     [](const Args& a, const ProfileTerms&) { return PasidRangeTerm(a[0], a[1], a[2], a[3]).ok.expr(); });
}

}  // namespace smmuref::proofs
