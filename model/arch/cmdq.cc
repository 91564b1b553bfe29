// Command queue consumer [IHI0070 §4, §6.3.26-§6.3.27, §7.1]. Rules R-CMDQ-*.
// Caching is not modelled yet, so invalidation commands have no effect on outcomes here: every
// translation already reads current memory (see spec/rules.md, "What is not modelled").
// Tests: tests/model/arch/cmdq_test.cc, corpus/vectors/cmdq/*.vec
#include "smmuref/model/arch/cmdq.h"

#include <algorithm>

#include "smmuref/model/arch/queue.h"
#include "smmuref/spec/tables.h"

namespace smmuref::model::arch {

using spec::Reg;
namespace rf = spec::reg;
namespace op = spec::cmd::op;

unsigned CheckCommand(const uint64_t cmd[2], const spec::Profile& p) {
  const auto opcode = static_cast<uint8_t>(spec::Get(cmd, spec::cmd::Opcode));
  // R-CMDQ-003: reserved opcodes are CERROR_ILL.
  if (spec::CommandName(opcode) == nullptr) return kCerrorIll;
  // R-CMDQ-004: SSec=1 on the Non-secure command queue is CERROR_ILL.
  if (spec::Get(cmd, spec::cmd::SSec)) return kCerrorIll;
  switch (opcode) {
    // R-CMDQ-005: commands for features the profile lacks are CERROR_ILL: stage-1 CFGI_CD* and
    // NH TLBIs without S1P, S2 TLBIs without S2P, EL2 TLBIs without HYP, EL3 TLBIs on the
    // Non-secure queue, ATC_INV without ATS, PRI_RESP without PRI, RESUME/STALL_TERM without stall
    // support, CFGI_VMS_PIDM without MPAM.
    case op::CMD_CFGI_CD:
    case op::CMD_CFGI_CD_ALL:
    case op::CMD_TLBI_NH_ASID:
    case op::CMD_TLBI_NH_VA:
    case op::CMD_TLBI_NH_VAA:
      return p.s1p ? kCerrorNone : kCerrorIll;
    case op::CMD_TLBI_NH_ALL:
      return p.s1p ? kCerrorNone : kCerrorIll;
    case op::CMD_TLBI_S12_VMALL:
    case op::CMD_TLBI_S2_IPA:
      return p.s2p ? kCerrorNone : kCerrorIll;
    case op::CMD_TLBI_EL2_ALL:
    case op::CMD_TLBI_EL2_ASID:
    case op::CMD_TLBI_EL2_VA:
    case op::CMD_TLBI_EL2_VAA:
      return p.hyp ? kCerrorNone : kCerrorIll;
    case op::CMD_TLBI_EL3_ALL:
    case op::CMD_TLBI_EL3_VA:
    case op::CMD_CFGI_VMS_PIDM:
      return kCerrorIll;
    case op::CMD_ATC_INV:
      return p.ats ? kCerrorNone : kCerrorIll;
    case op::CMD_PRI_RESP:
      return p.pri ? kCerrorNone : kCerrorIll;
    case op::CMD_RESUME:
    case op::CMD_STALL_TERM:
      return p.stall_model == 1 ? kCerrorIll : kCerrorNone;
    case op::CMD_SYNC:
      // R-CMDQ-006: CMD_SYNC with CS=0b11 (reserved) is CERROR_ILL.
      return spec::Get(cmd, spec::cmd::CS) == 3 ? kCerrorIll : kCerrorNone;
    default:
      return kCerrorNone;
  }
}

namespace {

// Effects of a legal command that this model observes.
void ExecuteCommand(const uint64_t cmd[2], Memory& mem, const spec::Profile& p) {
  const auto opcode = static_cast<uint8_t>(spec::Get(cmd, spec::cmd::Opcode));
  if (opcode == op::CMD_SYNC && spec::Get(cmd, spec::cmd::CS) == 1 && p.msi) {
    // R-CMDQ-007: CMD_SYNC with CS=SIG_IRQ on an SMMU with MSI writes the 32-bit MSIData to
    // MSIAddr when MSIAddr is non-zero.
    const uint64_t addr = spec::Get(cmd, spec::cmd::MSIAddr) << 2;
    if (addr != 0) {
      const uint64_t data = spec::Get(cmd, spec::cmd::MSIData);
      const uint64_t word = mem.Peek64(addr);
      const unsigned shift = (addr & 4) ? 32 : 0;
      mem.Write64(addr, (word & ~(0xffffffffull << shift)) | (data << shift));
    }
  }
}

}  // namespace

void ProcessCommandQueue(Registers& regs, Memory& mem, const spec::Profile& p) {
  const unsigned cmdq_err = static_cast<unsigned>(rf::GERROR_CMDQ_ERR.lsb);
  // R-CMDQ-001: commands are consumed only while CMDQEN=1 and GERROR.CMDQ_ERR is inactive.
  while (regs.CmdqEnabled() && !regs.GerrorActive(cmdq_err)) {
    const uint64_t base_reg = regs.Read(Reg::CMDQ_BASE);
    // R-CMDQ-002: the queue holds 2^MIN(LOG2SIZE, IDR1.CMDQS) 16-byte commands from a base aligned
    // to MAX(32, queue size); PROD/CONS carry the index and a wrap bit above it; the queue is
    // empty when both are equal.
    const unsigned qs = std::min<unsigned>(
        static_cast<unsigned>(spec::Get(&base_reg, rf::CMDQ_BASE_LOG2SIZE)), p.cmdqs);
    const QueuePointer q{qs};
    const uint64_t base = (spec::Get(&base_reg, rf::CMDQ_BASE_ADDR) << 5) &
                          ~((uint64_t{1} << std::max(5u, qs + 4)) - 1);
    const auto prod = static_cast<uint32_t>(regs.Read(Reg::CMDQ_PROD));
    uint64_t cons = regs.Read(Reg::CMDQ_CONS);
    if (q.Empty(prod, static_cast<uint32_t>(cons))) return;
    const uint64_t slot = base + uint64_t{q.Index(static_cast<uint32_t>(cons))} * 16;
    uint64_t cmd[2];
    const MemRead lo = mem.Read64(slot), hi = mem.Read64(slot + 8);
    unsigned err = kCerrorNone;
    if (lo.abort || hi.abort) {
      // R-CMDQ-008: an external abort fetching a command is CERROR_ABT; CONS stays on it.
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
      spec::Set(&cons, rf::CMDQ_CONS_ERR, err);
      regs.Set(Reg::CMDQ_CONS, cons);
      regs.ToggleGerror(cmdq_err);
      return;
    }
    ExecuteCommand(cmd, mem, p);
    spec::Set(&cons, rf::CMDQ_CONS_RD, q.Next(static_cast<uint32_t>(cons)));
    regs.Set(Reg::CMDQ_CONS, cons);
  }
}

}  // namespace smmuref::model::arch
