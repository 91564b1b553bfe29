// The command and event queues in generated programs: command errors of every kind (reserved
// opcode, SSec, a command for a missing feature, CMD_SYNC CS=0b11, a reserved range, a reserved
// field under `cmd_res0_ill`, an external abort on the fetch) with the driver's recovery
// (skip the command, acknowledge through GERRORN, or rebuild the queue); event-queue draining,
// wrap, overflow and its acknowledgement, EVENTQEN off and on, and rebuilding the queue after a
// write abort [IHI0070 §3.5, §4.1, §7.1, §7.2, §7.5, §6.3.16-§6.3.31].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

namespace op = spec::cmd::op;

void Generator::WriteCr0() {
  Linef("reg.write32 CR0 0x%llx", static_cast<unsigned long long>(cr0_));
}

void Generator::SetCr0(bool smmuen, bool evtq, bool cmdq) {
  spec::Set(&cr0_, spec::reg::CR0_SMMUEN, smmuen);
  spec::Set(&cr0_, spec::reg::CR0_EVENTQEN, evtq);
  spec::Set(&cr0_, spec::reg::CR0_CMDQEN, cmdq);
  enabled_ = smmuen;
  evtq_on_ = evtq;
  WriteCr0();
}

// The command queue rebuilt elsewhere, as a driver does after an abort on it: CMDQEN=0, a new
// base and size, PROD = CONS = 0, errors acknowledged, CMDQEN=1 [§6.3.26-§6.3.28].
void Generator::ResetCmdq() {
  SetCr0(enabled_, evtq_on_, false);
  cmdq_log2_ = ChanceIn(Focus::kQueues, 40) ? 1 + static_cast<unsigned>(Below(3))
                                            : 4 + static_cast<unsigned>(Below(3));
  const uint64_t size = uint64_t{16} << cmdq_log2_;
  cmdq_base_ = Alloc(size, std::max<uint64_t>(32, size));
  Linef("reg.write64 CMDQ_BASE 0x%llx",
        static_cast<unsigned long long>(cmdq_base_ | cmdq_log2_ | AboveOas(Focus::kQueues, 5)));
  Line("reg.write32 CMDQ_PROD 0x0");
  Line("reg.write32 CMDQ_CONS 0x0");
  Line("gerror.ack");
  SetCr0(enabled_, evtq_on_, true);
  cmdq_prod_ = 0;
  cmdq_pending_ = 0;
}

// A malformed command, then the driver's recovery [IHI0070 §7.1 CERROR_ILL, CERROR_ABT].
void Generator::CmdqError() {
  // The CMD_SYNC that replaces the refused command completes whatever is pending: nothing may be.
  Flush(true);
  Process();
  gen::Cmd c;
  bool abort = false;
  unsigned kind = static_cast<unsigned>(Below(9));
  if (kind == 7 && !o_.platform.aborts) kind = 0;  // the platform cannot make memory abort
  switch (kind) {
    case 0: {  // R-CMDQ-003: a reserved opcode
      static const uint8_t kReserved[] = {0x00, 0x08, 0x0f, 0x14, 0x19, 0x24, 0x31, 0x47, 0x7f, 0xff};
      c = CmdRaw(kReserved[Below(10)]);
      break;
    }
    case 1:  // R-CMDQ-004: SSec=1 on the Non-secure queue
      c = Chance(50) ? CmdCfgiSte(0, false) : CmdCfgiCdAll(0);
      spec::Set(c.dw, spec::cmd::SSec, 1);
      break;
    case 2: {  // R-CMDQ-005: a command for a feature the profile lacks
      std::vector<uint8_t> missing{op::CMD_TLBI_EL3_ALL, op::CMD_TLBI_EL3_VA, op::CMD_ATC_INV,
                                   op::CMD_PRI_RESP, op::CMD_RESUME, op::CMD_STALL_TERM,
                                   op::CMD_CFGI_VMS_PIDM};
      if (!p_.s1p) missing.insert(missing.end(), {op::CMD_CFGI_CD, op::CMD_TLBI_NH_ALL});
      if (!p_.s2p) missing.insert(missing.end(), {op::CMD_TLBI_S2_IPA, op::CMD_TLBI_S12_VMALL});
      if (!p_.hyp) missing.insert(missing.end(), {op::CMD_TLBI_EL2_ALL, op::CMD_TLBI_EL2_VA});
      c = CmdRaw(Pick(missing));
      break;
    }
    case 3:  // R-CMDQ-006: CMD_SYNC with CS=0b11
      c = CmdSync(3);
      break;
    case 4: {  // R-TLBI-012: a range with NUM=0, SCALE=0, TTL=0
      if (!p_.ril || !p_.s1p) return;
      TlbiAddr a;
      a.tg = 1 + static_cast<unsigned>(Below(3));
      a.addr = Below(1u << 20) << 16;
      c = CmdTlbiNhVa(0, 1, a);
      if (a.tg == 2 && Chance(50)) spec::Set(c.dw, spec::cmd::TTL, 1);  // TTL=1 at 16KB: as 0
      break;
    }
    case 5:  // R-CMDQ-010: a reserved field, malformed only with cmd_res0_ill
      c = CmdCfgiSte(static_cast<uint32_t>(Below(16)), false);
      c.dw[1] |= uint64_t{1} << (1 + Below(60));
      break;
    case 6:  // R-CMDQ-010: operands the profile makes RES0 (VMID without S2P, ASID[15:8])
      c = p_.s1p ? CmdTlbiNhAsid(p_.s2p ? 0x100 : 1, static_cast<uint16_t>(p_.asid16 ? 1 : 0x100))
                 : CmdTlbiS12Vmall(static_cast<uint16_t>(p_.vmid16 ? 1 : 0x100));
      break;
    case 7: {  // R-CMDQ-008: an external abort fetching the next command
      const uint32_t cap = 1u << std::min(cmdq_log2_, p_.cmdqs);
      const uint64_t slot = cmdq_base_ + uint64_t{cmdq_prod_ & (cap - 1)} * 16;
      Linef("mem.abort 0x%llx 16", static_cast<unsigned long long>(slot));
      c = CmdSync();
      abort = true;
      break;
    }
    default:
      // R-CMDQ-001: a good command behind a bad one waits until the error is acknowledged.
      c = CmdRaw(0x00);
      break;
  }
  Cmd(c);
  if (Chance(40)) Cmd(p_.s1p ? CmdTlbiNhAll(0) : CmdTlbiNsnhAll());
  Process();
  if (abort) {
    ResetCmdq();
    return;
  }
  // The driver skips the failing command (replacing it with a CMD_SYNC) and acknowledges.
  Line("cmd.skip");
  if (Chance(20)) Process();  // still stopped: the error is active until GERRORN matches
  Line("gerror.ack");
  Process();
}

void Generator::ResetEvtq() {
  SetCr0(enabled_, false, spec::Get(&cr0_, spec::reg::CR0_CMDQEN) != 0);
  evtq_log2_ = static_cast<unsigned>(Below(ChanceIn(Focus::kQueues, 50) ? 3 : 6));
  const uint64_t size = uint64_t{32} << evtq_log2_;
  evtq_base_ = Alloc(size, std::max<uint64_t>(32, size));
  Linef("reg.write64 EVENTQ_BASE 0x%llx",
        static_cast<unsigned long long>(evtq_base_ | evtq_log2_ | AboveOas(Focus::kQueues, 5)));
  Line("reg.write32 EVENTQ_PROD 0x0");
  Line("reg.write32 EVENTQ_CONS 0x0");
  Line("gerror.ack");
  SetCr0(enabled_, true, spec::Get(&cr0_, spec::reg::CR0_CMDQEN) != 0);
}

// Event-queue traffic: drain, overflow and its acknowledgement, EVENTQEN off and on, a write
// abort [IHI0070 §7.2, §7.5].
void Generator::EvtqOp() {
  unsigned kind = static_cast<unsigned>(Below(6));
  if (kind == 4 && !o_.platform.aborts) kind = 0;  // the platform cannot make memory abort
  switch (kind) {
    case 0:
    case 1:
      Line("event.drain");
      break;
    case 2: {
      // Enough recorded faults to fill the queue and overflow it, then a drain that
      // acknowledges the overflow (R-EVTQ-003).
      const uint32_t n = (1u << std::min(evtq_log2_, p_.eventqs)) + 1 + static_cast<uint32_t>(Below(3));
      const uint32_t sid = BandSid();
      for (uint32_t i = 0; i < n && i < 40; ++i) Txn(sid, -1, Below(1u << 30) << 3, "r");
      if (Chance(70)) Line("event.drain");
      break;
    }
    case 3:
      // Events while EVENTQEN=0 are discarded (R-EVTQ-001); EVENTQ_BASE/PROD are writable then.
      SetCr0(enabled_, false, spec::Get(&cr0_, spec::reg::CR0_CMDQEN) != 0);
      RandomTxn();
      if (Chance(50)) Line("event.drain");
      SetCr0(enabled_, true, spec::Get(&cr0_, spec::reg::CR0_CMDQEN) != 0);
      break;
    case 4: {
      // A write abort on the queue loses the record and raises EVENTQ_ABT_ERR (R-EVTQ-006);
      // later events are discarded until the driver rebuilds the queue (R-EVTQ-005).
      Linef("mem.abort 0x%llx 0x%llx", static_cast<unsigned long long>(evtq_base_),
            static_cast<unsigned long long>(uint64_t{32} << evtq_log2_));
      RandomTxn();
      RandomTxn();
      ResetEvtq();
      break;
    }
    default:
      ResetEvtq();
      break;
  }
}

}  // namespace smmuref::conform::gen
