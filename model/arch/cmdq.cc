// Command queue consumer and command decoding [IHI0070 §4, §6.3.26-§6.3.27, §7.1].
// Rules R-CMDQ-*, R-TLBI-*, R-CFGI-*, R-SYNC-*.
// Tests: tests/model/arch/smmu_test.cc, tests/model/arch/cache_test.cc, corpus/vectors/cmdq/,
// corpus/vectors/cache/
#include "smmuref/model/arch/cmdq.h"

#include <algorithm>
#include <vector>

#include "smmuref/model/arch/queue.h"
#include "smmuref/spec/coverage.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::Reg;
namespace rf = spec::reg;
namespace op = spec::cmd::op;
namespace cf = spec::cmd;

namespace {

uint8_t Opcode(const uint64_t cmd[2]) { return static_cast<uint8_t>(spec::Get(cmd, cf::Opcode)); }

bool IsRangeCapable(uint8_t o) {
  return o == op::CMD_TLBI_NH_VA || o == op::CMD_TLBI_NH_VAA || o == op::CMD_TLBI_EL2_VA ||
         o == op::CMD_TLBI_EL2_VAA || o == op::CMD_TLBI_S2_IPA;
}

// The operand fields each command defines on the Non-secure queue [IHI0070 §4.2-§4.7]; every
// other bit is RES0. Fields the profile makes RES0 are left out here (see UsedMask).
std::vector<spec::Field> Operands(uint8_t o) {
  switch (o) {
    case op::CMD_PREFETCH_CONFIG: return {cf::SSec, cf::SSV, cf::SubstreamID, cf::StreamID};
    case op::CMD_CFGI_STE: return {cf::SSec, cf::StreamID, cf::Leaf};
    case op::CMD_CFGI_STE_RANGE: return {cf::SSec, cf::StreamID, cf::Range};
    case op::CMD_CFGI_CD: return {cf::SSec, cf::SubstreamID, cf::StreamID, cf::Leaf};
    case op::CMD_CFGI_CD_ALL: return {cf::SSec, cf::StreamID};
    case op::CMD_TLBI_NH_ALL: return {cf::VMID};
    case op::CMD_TLBI_NH_ASID: return {cf::VMID, cf::ASID};
    case op::CMD_TLBI_NH_VA: return {cf::NUM, cf::SCALE, cf::VMID, cf::ASID, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_NH_VAA: return {cf::NUM, cf::SCALE, cf::VMID, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_EL2_ALL: return {};
    case op::CMD_TLBI_EL2_ASID: return {cf::ASID};
    case op::CMD_TLBI_EL2_VA: return {cf::NUM, cf::SCALE, cf::ASID, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_EL2_VAA: return {cf::NUM, cf::SCALE, cf::Leaf, cf::TTL, cf::TG, cf::Addr};
    case op::CMD_TLBI_S12_VMALL: return {cf::VMID};
    case op::CMD_TLBI_S2_IPA: return {cf::NUM, cf::SCALE, cf::VMID, cf::Leaf, cf::TTL, cf::TG, cf::IPAddr};
    case op::CMD_TLBI_NSNH_ALL: return {};
    case op::CMD_SYNC: return {cf::CS, cf::MSH, cf::MSIAttr, cf::MSIData, cf::MSIAddr};
    default: return {};
  }
}

void AddField(uint64_t mask[2], spec::Field f, unsigned width) {
  for (unsigned b = f.lsb; b < f.lsb + width; ++b) mask[b / 64] |= uint64_t{1} << (b % 64);
}

// Bits a command may set under the profile; the rest are reserved.
void UsedMask(uint8_t o, const spec::Profile& p, uint64_t mask[2]) {
  mask[0] = mask[1] = 0;
  AddField(mask, cf::Opcode, cf::Opcode.width());
  for (const spec::Field& f : Operands(o)) {
    unsigned width = f.width();
    const bool range_field = f.lsb == cf::NUM.lsb || f.lsb == cf::SCALE.lsb ||
                             f.lsb == cf::TTL.lsb || f.lsb == cf::TG.lsb;
    if (range_field && IsRangeCapable(o) && !p.ril) continue;  // RES0 without IDR3.RIL
    if (f.lsb == cf::VMID.lsb && f.msb == cf::VMID.msb) {
      if (!p.s2p) continue;       // VMID is RES0 without stage 2
      if (!p.vmid16) width = 8;   // VMID[15:8] RES0 without VMID16
    }
    if (f.lsb == cf::ASID.lsb && f.msb == cf::ASID.msb && !p.asid16) width = 8;
    // IPA[55:52] is RES0 in v3.1-v3.3; the VA operand (same lsb) is VA[63:12] in full.
    if (f.lsb == cf::IPAddr.lsb && f.msb == cf::IPAddr.msb) width = 52 - 12;
    AddField(mask, f, width);
  }
}

}  // namespace

unsigned CheckCommand(const uint64_t cmd[2], const spec::Profile& p) {
  const uint8_t opcode = Opcode(cmd);
  // R-CMDQ-003: reserved opcodes are CERROR_ILL.
  if (SMMUREF_RULE_IF("R-CMDQ-003", spec::CommandName(opcode) == nullptr)) return kCerrorIll;
  // R-CMDQ-004: SSec=1 on the Non-secure command queue is CERROR_ILL, for the commands that have
  // the field (PREFETCH_*, CFGI_*, RESUME, STALL_TERM); elsewhere bit 10 is an ordinary reserved
  // bit (R-CMDQ-010).
  const bool has_ssec = opcode == op::CMD_PREFETCH_CONFIG || opcode == op::CMD_PREFETCH_ADDR ||
                        opcode == op::CMD_CFGI_STE || opcode == op::CMD_CFGI_STE_RANGE ||
                        opcode == op::CMD_CFGI_CD || opcode == op::CMD_CFGI_CD_ALL ||
                        opcode == op::CMD_RESUME || opcode == op::CMD_STALL_TERM;
  if (SMMUREF_RULE_IF("R-CMDQ-004", has_ssec && spec::Get(cmd, cf::SSec))) return kCerrorIll;
  switch (opcode) {
    // R-CMDQ-005: commands for features the profile lacks are CERROR_ILL.
    case op::CMD_CFGI_CD: case op::CMD_CFGI_CD_ALL: case op::CMD_TLBI_NH_ALL:
    case op::CMD_TLBI_NH_ASID: case op::CMD_TLBI_NH_VA: case op::CMD_TLBI_NH_VAA:
      if (SMMUREF_RULE_IF("R-CMDQ-005", !p.s1p)) return kCerrorIll;
      break;
    case op::CMD_TLBI_S12_VMALL: case op::CMD_TLBI_S2_IPA:
      if (SMMUREF_RULE_IF("R-CMDQ-005", !p.s2p)) return kCerrorIll;
      break;
    case op::CMD_TLBI_EL2_ALL: case op::CMD_TLBI_EL2_ASID: case op::CMD_TLBI_EL2_VA:
    case op::CMD_TLBI_EL2_VAA:
      if (SMMUREF_RULE_IF("R-CMDQ-005", !p.hyp)) return kCerrorIll;
      break;
    case op::CMD_TLBI_EL3_ALL: case op::CMD_TLBI_EL3_VA: case op::CMD_CFGI_VMS_PIDM:
      SMMUREF_RULE("R-CMDQ-005");
      return kCerrorIll;
    case op::CMD_ATC_INV: return SMMUREF_RULE_IF("R-CMDQ-005", !p.ats) ? kCerrorIll : kCerrorNone;
    case op::CMD_PRI_RESP: return SMMUREF_RULE_IF("R-CMDQ-005", !p.pri) ? kCerrorIll : kCerrorNone;
    case op::CMD_RESUME: case op::CMD_STALL_TERM:
      return SMMUREF_RULE_IF("R-CMDQ-005", p.stall_model == 1) ? kCerrorIll : kCerrorNone;
    case op::CMD_SYNC:
      // R-CMDQ-006: CMD_SYNC with CS=0b11 (reserved) is CERROR_ILL.
      if (SMMUREF_RULE_IF("R-CMDQ-006", spec::Get(cmd, cf::CS) == 3)) return kCerrorIll;
      break;
    default:
      break;
  }
  if (IsRangeCapable(opcode) && p.ril && spec::Get(cmd, cf::TG) != 0) {
    unsigned ttl = static_cast<unsigned>(spec::Get(cmd, cf::TTL));
    // R-TLBI-012: TG=16KB with TTL=1 is reserved without DS and behaves as TTL=0; a range form
    // with NUM=0, SCALE=0 and TTL=0 is a reserved combination: CERROR_ILL [§4.4.1].
    if (SMMUREF_RULE_IF("R-TLBI-012", spec::Get(cmd, cf::TG) == 2 && ttl == 1 && !p.ds)) ttl = 0;
    const bool reserved =
        spec::Get(cmd, cf::NUM) == 0 && spec::Get(cmd, cf::SCALE) == 0 && ttl == 0;
    if (SMMUREF_RULE_IF("R-TLBI-012", reserved)) {
      return kCerrorIll;
    }
  }
  if (p.choice(spec::Choice::kCmdRes0Ill) == 1 && opcode != op::CMD_PREFETCH_ADDR) {
    // C-CMDQ-001 (profile field cmd_res0_ill):
    // R-CMDQ-010: with the profile's cmd_res0_ill choice, a non-zero reserved field (including
    // fields the profile makes RES0) is CERROR_ILL; otherwise reserved fields are ignored
    // [§4.1.5]. PREFETCH_ADDR's operands are not checked (not modelled).
    uint64_t used[2];
    UsedMask(opcode, p, used);
    if (SMMUREF_RULE_IF("R-CMDQ-010", (cmd[0] & ~used[0]) != 0 || (cmd[1] & ~used[1]) != 0)) {
      return kCerrorIll;
    }
  }
  return kCerrorNone;
}

namespace {

// The address operand and optional range of a TLBI by address [IHI0070 §4.4.1].
void DecodeAddress(const uint64_t cmd[2], const spec::Profile& p, bool ipa, Invalidation* inv) {
  inv->addr = ipa ? spec::Get(cmd, cf::IPAddr) << 12 : spec::Get(cmd, cf::Addr) << 12;
  inv->leaf = spec::Get(cmd, cf::Leaf);
  const unsigned tg = p.ril ? static_cast<unsigned>(spec::Get(cmd, cf::TG)) : 0;
  if (tg == 0) return;
  inv->tg_shift = 10 + 2 * tg;  // 1: 4KB, 2: 16KB, 3: 64KB
  inv->ttl = static_cast<unsigned>(spec::Get(cmd, cf::TTL));
  if (tg == 2 && inv->ttl == 1 && !p.ds) inv->ttl = 0;
  const uint64_t num = spec::Get(cmd, cf::NUM), scale = spec::Get(cmd, cf::SCALE);
  inv->length = ((num + 1) << scale) << inv->tg_shift;
}

uint16_t Vmid(const uint64_t cmd[2], const spec::Profile& p) {
  const uint64_t v = spec::Get(cmd, cf::VMID);
  return static_cast<uint16_t>(p.vmid16 ? v : v & 0xff);
}
uint16_t Asid(const uint64_t cmd[2], const spec::Profile& p) {
  const uint64_t a = spec::Get(cmd, cf::ASID);
  return static_cast<uint16_t>(p.asid16 ? a : a & 0xff);
}

// Whether the architecture guarantees the invalidation's scope, given its operands.
bool Guaranteed(const uint64_t cmd[2], const spec::Profile& p, const Invalidation& inv, int e2h) {
  using K = Invalidation::Kind;
  const K k = inv.kind;
  const bool uses_vmid = k == K::kTlbiNhAll || k == K::kTlbiNhAsid || k == K::kTlbiNhVa ||
                         k == K::kTlbiNhVaa || k == K::kTlbiS12Vmall || k == K::kTlbiS2Ipa;
  const bool el2_va = k == K::kTlbiEl2Va || k == K::kTlbiEl2Vaa || k == K::kTlbiEl2Asid;
  const bool uses_asid = k == K::kTlbiNhAsid || k == K::kTlbiNhVa || k == K::kTlbiEl2Asid ||
                         (k == K::kTlbiEl2Va && e2h == 1);
  const bool by_va = k == K::kTlbiNhVa || k == K::kTlbiNhVaa || k == K::kTlbiEl2Va ||
                     k == K::kTlbiEl2Vaa;
  const uint64_t vmid = spec::Get(cmd, cf::VMID), asid = spec::Get(cmd, cf::ASID);
  // C-CACHE-009: the VMID operand of a stage-1 TLBI is RES0 without stage 2; a non-zero value
  // may invalidate an UNKNOWN VMID or nothing. C-CACHE-008: with 8-bit VMIDs or ASIDs, non-zero
  // upper bits mean the command is not required to affect any entry [§4.4, §4.4.2].
  if (uses_vmid && !p.s2p && vmid != 0) return false;
  if (uses_vmid && p.s2p && !p.vmid16 && (vmid >> 8) != 0) return false;
  if (uses_asid && !p.asid16 && (asid >> 8) != 0) return false;
  // C-CACHE-016: an EL2 TLBI consumed while CR2.E2H is UNKNOWN affects UNPREDICTABLE entries.
  if (el2_va && e2h < 0) return false;
  // C-CACHE-010: a VA whose bits [63:VAS-1] are not all equal may be treated as out of range
  // (and TBI need not apply to it) [§4.4.2].
  const uint64_t top = inv.addr >> 47;
  if (by_va && top != 0 && top != (~uint64_t{0} >> 47)) return false;
  // C-CACHE-011: an IPA with bits at or above the IAS may be treated as out of range [§4.4.3.1].
  if (k == K::kTlbiS2Ipa && (inv.addr >> p.ias()) != 0) return false;
  // C-CACHE-012: a range whose Address is not aligned as its TTL requires invalidates an
  // UNPREDICTABLE range [§4.4.1.1].
  if (inv.length != 0 && inv.ttl != 0) {
    static const unsigned kAlign[3][4] = {
        {0, 30, 21, 0},   // 4KB: TTL 1 needs Address[29:12] zero, TTL 2 Address[20:12]
        {14, 0, 25, 14},  // 16KB: Address[13:12] (TTL 0 and 3), Address[24:12] (TTL 2)
        {16, 42, 29, 16}, // 64KB: Address[15:12] (TTL 0 and 3), [41:12] (1), [28:12] (2)
    };
    const unsigned bits = kAlign[(inv.tg_shift - 12) / 2][inv.ttl];
    if (bits > 12 && (inv.addr & ((uint64_t{1} << bits) - 1)) != 0) return false;
  }
  if (inv.length != 0 && inv.ttl == 0 && inv.tg_shift != 12) {
    const unsigned bits = inv.tg_shift == 14 ? 14 : 16;
    if ((inv.addr & ((uint64_t{1} << bits) - 1)) != 0) return false;
  }
  return true;
}

bool DecodeKind(const uint64_t cmd[2], const spec::Profile& p, Invalidation* inv);

}  // namespace

bool DecodeInvalidation(const uint64_t cmd[2], const spec::Profile& p, Invalidation* inv,
                        int e2h) {
  *inv = Invalidation{};
  inv->sid = static_cast<uint32_t>(spec::Get(cmd, cf::StreamID));
  inv->vmid = Vmid(cmd, p);
  if (!DecodeKind(cmd, p, inv)) return false;
  inv->e2h = e2h == 1;
  inv->none = !Guaranteed(cmd, p, *inv, e2h);
  return true;
}

namespace {

bool DecodeKind(const uint64_t cmd[2], const spec::Profile& p, Invalidation* inv) {
  using K = Invalidation::Kind;
  switch (Opcode(cmd)) {
    case op::CMD_CFGI_STE:
      inv->kind = K::kCfgiSte;
      inv->leaf = spec::Get(cmd, cf::Leaf);
      return true;
    case op::CMD_CFGI_STE_RANGE:
      inv->kind = K::kCfgiSteRange;
      inv->range = static_cast<unsigned>(spec::Get(cmd, cf::Range));
      return true;
    case op::CMD_CFGI_CD:
      inv->kind = K::kCfgiCd;
      inv->ssid = static_cast<uint32_t>(spec::Get(cmd, cf::SubstreamID));
      inv->leaf = spec::Get(cmd, cf::Leaf);
      return true;
    case op::CMD_CFGI_CD_ALL: inv->kind = K::kCfgiCdAll; return true;
    case op::CMD_TLBI_NH_ALL: inv->kind = K::kTlbiNhAll; return true;
    case op::CMD_TLBI_NH_ASID:
      inv->kind = K::kTlbiNhAsid;
      inv->asid = Asid(cmd, p);
      return true;
    case op::CMD_TLBI_NH_VA:
    case op::CMD_TLBI_NH_VAA:
      inv->kind = Opcode(cmd) == op::CMD_TLBI_NH_VA ? K::kTlbiNhVa : K::kTlbiNhVaa;
      inv->asid = Asid(cmd, p);
      DecodeAddress(cmd, p, false, inv);
      return true;
    case op::CMD_TLBI_EL2_ALL: inv->kind = K::kTlbiEl2All; return true;
    case op::CMD_TLBI_EL2_ASID:
      inv->kind = K::kTlbiEl2Asid;
      inv->asid = Asid(cmd, p);
      return true;
    case op::CMD_TLBI_EL2_VA:
    case op::CMD_TLBI_EL2_VAA:
      inv->kind = Opcode(cmd) == op::CMD_TLBI_EL2_VA ? K::kTlbiEl2Va : K::kTlbiEl2Vaa;
      inv->asid = Asid(cmd, p);
      DecodeAddress(cmd, p, false, inv);
      return true;
    case op::CMD_TLBI_S12_VMALL: inv->kind = K::kTlbiS12Vmall; return true;
    case op::CMD_TLBI_S2_IPA:
      inv->kind = K::kTlbiS2Ipa;
      DecodeAddress(cmd, p, true, inv);
      return true;
    case op::CMD_TLBI_NSNH_ALL: inv->kind = K::kTlbiNsnhAll; return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

// CMD_SYNC: completes earlier invalidations, then signals [IHI0070 §4.7.3].
// Returns whether the CMD_SYNC wrote memory (its MSI).
bool ExecuteSync(const uint64_t cmd[2], Registers& regs, Memory& mem, CacheState& cache,
                 const spec::Profile& p) {
  cache.CompletePending(mem.Tick());
  if (spec::Get(cmd, cf::CS) == 1 && p.msi) {
    // R-CMDQ-007: CMD_SYNC with CS=SIG_IRQ on an SMMU with MSI writes the 32-bit MSIData to
    // MSIAddr when MSIAddr is non-zero.
    // R-CMDQ-012: the MSI address is truncated to the OAS too.
    const uint64_t addr = (spec::Get(cmd, cf::MSIAddr) << 2) & ((uint64_t{1} << p.oas) - 1);
    if (addr != spec::Get(cmd, cf::MSIAddr) << 2) SMMUREF_RULE("R-CMDQ-012");
    if (addr != 0) SMMUREF_RULE("R-CMDQ-007");
    if (addr != 0 && mem.Aborts(addr)) {
      // R-CMDQ-011: an aborted CMD_SYNC MSI write activates GERROR.MSI_CMDQ_ABT_ERR [§7.5].
      SMMUREF_RULE("R-CMDQ-011");
      regs.ToggleGerror(static_cast<unsigned>(rf::GERROR_MSI_CMDQ_ABT_ERR.lsb));
    } else if (addr != 0) {
      const uint64_t data = spec::Get(cmd, cf::MSIData);
      const uint64_t word = mem.Peek64(addr);
      const unsigned shift = (addr & 4) ? 32 : 0;
      mem.Write64(addr, (word & ~(0xffffffffull << shift)) | (data << shift));
      return true;
    }
  }
  return false;
}

}  // namespace

namespace {

// Whether the registers the consumer uses are all known: the base below the OAS and the size,
// the index and wrap bits of PROD and CONS, and CMDQ_ERR.
bool CommandQueueKnown(const Registers& regs, const spec::Profile& p) {
  const uint64_t below_oas = (uint64_t{1} << p.oas) - 1;
  return (regs.UnknownMask(Reg::CMDQ_BASE) & below_oas &
          (FieldBits(rf::CMDQ_BASE_ADDR) | FieldBits(rf::CMDQ_BASE_LOG2SIZE))) == 0 &&
         regs.IndexKnown(Reg::CMDQ_PROD) && regs.IndexKnown(Reg::CMDQ_CONS) &&
         regs.Known(Reg::GERROR, rf::GERROR_CMDQ_ERR) && regs.Known(Reg::GERRORN, rf::GERROR_CMDQ_ERR);
}

}  // namespace

void ProcessCommandQueue(Registers& regs, Memory& mem, CacheState& cache, const spec::Profile& p) {
  const unsigned cmdq_err = static_cast<unsigned>(rf::GERROR_CMDQ_ERR.lsb);
  if (regs.CmdqEnabled() && !CommandQueueKnown(regs, p)) {
    // C-REG-001 / C-REG-006 / C-CMDQ-003: with the queue base or an index UNKNOWN the SMMU may
    // consume UNPREDICTABLE commands or stop: nothing is guaranteed to be consumed or completed
    // (no invalidation completes), and CMDQ_CONS and CMDQ_ERR become UNKNOWN.
    regs.SetUnknown(Reg::CMDQ_CONS, FieldBits(rf::CMDQ_CONS_RD) | FieldBits(rf::CMDQ_CONS_ERR));
    regs.SetUnknown(Reg::GERROR, FieldBits(rf::GERROR_CMDQ_ERR));
    return;
  }
  // R-CMDQ-001: commands are consumed only while CMDQEN=1 and GERROR.CMDQ_ERR is inactive.
  if (SMMUREF_RULE_IF("R-CMDQ-001", !regs.CmdqEnabled() || regs.GerrorActive(cmdq_err))) return;
  const uint32_t cons_start = static_cast<uint32_t>(regs.Read(Reg::CMDQ_CONS));
  uint64_t after_sync = 0;  // when the last CMD_SYNC of this run wrote its MSI (R-CMDQ-013)
  while (regs.CmdqEnabled() && !regs.GerrorActive(cmdq_err)) {
    const uint64_t base_reg = regs.Read(Reg::CMDQ_BASE);
    // R-CMDQ-002: the queue holds 2^MIN(LOG2SIZE, IDR1.CMDQS) 16-byte commands from a base aligned
    // to MAX(32, queue size); PROD/CONS carry the index and a wrap bit above it; the queue is
    // empty when both are equal.
    SMMUREF_RULE("R-CMDQ-002");
    const unsigned qs = std::min<unsigned>(
        static_cast<unsigned>(spec::Get(&base_reg, rf::CMDQ_BASE_LOG2SIZE)), p.cmdqs);
    const QueuePointer q{qs};
    // R-CMDQ-012: a queue address at or above the OAS is truncated to it [§3.4.3 (6)].
    if (((spec::Get(&base_reg, rf::CMDQ_BASE_ADDR) << 5) >> p.oas) != 0) SMMUREF_RULE("R-CMDQ-012");
    const uint64_t base = (spec::Get(&base_reg, rf::CMDQ_BASE_ADDR) << 5) &
                          ~((uint64_t{1} << std::max(5u, qs + 4)) - 1) &
                          ((uint64_t{1} << p.oas) - 1);
    const auto prod = static_cast<uint32_t>(regs.Read(Reg::CMDQ_PROD));
    uint64_t cons = regs.Read(Reg::CMDQ_CONS);
    if (q.Empty(prod, static_cast<uint32_t>(cons))) {
      cache.ForgetPublished();
      return;
    }
    const uint64_t slot = base + uint64_t{q.Index(static_cast<uint32_t>(cons))} * 16;
    uint64_t cmd[2] = {};
    const MemRead lo = mem.Read64(slot), hi = mem.Read64(slot + 8);
    unsigned err = kCerrorNone;
    if (lo.abort || hi.abort) {
      // R-CMDQ-008: an external abort fetching a command is CERROR_ABT; CONS stays on it.
      SMMUREF_RULE("R-CMDQ-008");
      err = kCerrorAbt;
    } else {
      cmd[0] = lo.value;
      cmd[1] = hi.value;
      err = CheckCommand(cmd, p);
    }
    if (err != kCerrorNone) {
      // R-CMDQ-009: on a command error CONS.RD stays on the failing command, CONS.ERR takes the
      // code, and GERROR.CMDQ_ERR is activated; consumption resumes once software acknowledges
      // it through GERRORN.
      SMMUREF_RULE("R-CMDQ-009");
      spec::Set(&cons, rf::CMDQ_CONS_ERR, err);
      regs.Set(Reg::CMDQ_CONS, cons);
      regs.ToggleGerror(cmdq_err);
      return;
    }
    Invalidation inv;
    const int e2h = regs.Known(Reg::CR2, rf::CR2_E2H) ? (regs.E2h() ? 1 : 0) : -1;
    if (DecodeInvalidation(cmd, p, &inv, p.hyp ? e2h : 0)) {
      // R-SYNC-002: an invalidation is pending from consumption until a later CMD_SYNC.
      SMMUREF_RULE("R-SYNC-002");
      // C-CMDQ-002 / C-CACHE-006: it may have been consumed as early as the PROD write that
      // published it, and may take effect from then on.
      // R-CMDQ-013: but not before an earlier CMD_SYNC completed, its MSI write included.
      SMMUREF_RULE_IF("R-CMDQ-013", after_sync != 0);
      inv.consumed = std::max(after_sync, cache.PublishedAt(cons_start, q.Value(static_cast<uint32_t>(cons)),
                                                            qs, mem.Tick()));
      cache.AddPending(inv);
    } else if (spec::Get(cmd, cf::Opcode) == op::CMD_SYNC) {
      if (ExecuteSync(cmd, regs, mem, cache, p)) after_sync = mem.Tick();
    }
    spec::Set(&cons, rf::CMDQ_CONS_RD, q.Next(static_cast<uint32_t>(cons)));
    regs.Set(Reg::CMDQ_CONS, cons);
  }
}

}  // namespace smmuref::model::arch
