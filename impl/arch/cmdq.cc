// Command queue consumer of the engine [IHI0070 §4, §6.3.26-§6.3.27, §7.1]: wrap arithmetic,
// CERROR_ILL / CERROR_ABT with CONS.ERR and GERROR.CMDQ_ERR, CMD_SYNC MSI, and the CFGI/TLBI
// scopes [IHI0070 §4.3, §4.4] applied to the caches when the command is consumed (earlier than the
// CMD_SYNC that guarantees them, which the architecture allows). Rules R-CMDQ-*.
// Tests: tests/impl/arch/cache_test.cc, corpus/vectors/cmdq/*.vec
#include <algorithm>

#include "smmuref/impl/arch/engine.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/mutant.h"

namespace smmuref::impl::arch {

using spec::Reg;

namespace {

using namespace layout::cmd;  // opcodes and command fields

constexpr unsigned kCerrorNone = 0, kCerrorIll = 1, kCerrorAbt = 2;

// Command fields (layout.h).
uint64_t Opcode(const uint64_t* c) { return Get<uint64_t>(c, kOpcode); }
bool SSec(const uint64_t* c) { return Get<uint64_t>(c, kSSec) != 0; }
uint32_t Ssid(const uint64_t* c) { return static_cast<uint32_t>(Get<uint64_t>(c, kSubstreamID)); }
uint32_t Sid(const uint64_t* c) { return static_cast<uint32_t>(Get<uint64_t>(c, kStreamID)); }
unsigned SyncCs(const uint64_t* c) { return static_cast<unsigned>(Get<uint64_t>(c, kSyncCS)); }

bool Known(uint64_t op) {
  switch (op) {
    case kPrefetchConfig: case kPrefetchAddr: case kCfgiSte: case kCfgiSteRange: case kCfgiCd:
    case kCfgiCdAll: case kCfgiVmsPidm: case kTlbiNhAll: case kTlbiNhAsid: case kTlbiNhVa:
    case kTlbiNhVaa: case kTlbiEl3All: case kTlbiEl3Va: case kTlbiEl2All: case kTlbiEl2Asid:
    case kTlbiEl2Va: case kTlbiEl2Vaa: case kTlbiS12Vmall: case kTlbiS2Ipa: case kTlbiNsnhAll:
    case kAtcInv: case kPriResp: case kResume: case kStallTerm: case kSync:
      return true;
    default:
      return false;
  }
}

bool RangeCapable(uint64_t op) {
  return op == kTlbiNhVa || op == kTlbiNhVaa || op == kTlbiEl2Va || op == kTlbiEl2Vaa ||
         op == kTlbiS2Ipa;
}

constexpr uint64_t Bits(unsigned msb, unsigned lsb) { return layout::GenMask(msb, lsb); }

// The bits each command may set on the Non-secure queue under the profile [IHI0070 §4.2-§4.7]; VMID
// is RES0 without S2P, VMID/ASID[15:8] without VMID16/ASID16, the range
// fields without RIL, IPA[55:52] in v3.1-v3.3.
void UsedBits(uint64_t op, const spec::Profile& p, uint64_t used[2]) {
  const uint64_t ssec = Bits(10, 10), ssv = Bits(11, 11), ssid = Bits(31, 12), sid = Bits(63, 32);
  const uint64_t vmid = p.s2p ? (p.vmid16 ? Bits(47, 32) : Bits(39, 32)) : 0;
  const uint64_t asid = p.asid16 ? Bits(63, 48) : Bits(55, 48);
  const uint64_t range0 = p.ril ? Bits(16, 12) | Bits(24, 20) : 0;  // NUM, SCALE
  const uint64_t range1 = p.ril ? Bits(9, 8) | Bits(11, 10) : 0;   // TTL, TG
  const uint64_t leaf = Bits(0, 0), va = Bits(63, 12), ipa = Bits(51, 12);
  uint64_t w0 = 0, w1 = 0;
  switch (op) {
    case kPrefetchConfig: w0 = ssec | ssv | ssid | sid; break;
    case kCfgiSte: w0 = ssec | sid; w1 = leaf; break;
    case kCfgiSteRange: w0 = ssec | sid; w1 = Bits(4, 0); break;
    case kCfgiCd: w0 = ssec | ssid | sid; w1 = leaf; break;
    case kCfgiCdAll: w0 = ssec | sid; break;
    case kTlbiNhAll: case kTlbiS12Vmall: w0 = vmid; break;
    case kTlbiNhAsid: w0 = vmid | asid; break;
    case kTlbiNhVa: w0 = range0 | vmid | asid; w1 = leaf | range1 | va; break;
    case kTlbiNhVaa: w0 = range0 | vmid; w1 = leaf | range1 | va; break;
    case kTlbiEl2Asid: w0 = asid; break;
    case kTlbiEl2Va: w0 = range0 | asid; w1 = leaf | range1 | va; break;
    case kTlbiEl2Vaa: w0 = range0; w1 = leaf | range1 | va; break;
    case kTlbiS2Ipa: w0 = range0 | vmid; w1 = leaf | range1 | ipa; break;
    case kSync: w0 = Bits(13, 12) | Bits(23, 22) | Bits(27, 24) | Bits(63, 32); w1 = Bits(55, 2); break;
    default: break;
  }
  used[0] = w0 | Bits(7, 0);
  used[1] = w1;
}


}  // namespace

unsigned Engine::CheckCommand(const uint64_t cmd[2]) const {
  const uint64_t op = Opcode(cmd);
  // R-CMDQ-003: reserved opcodes.
  if (!Known(op)) return kCerrorIll;
  // R-CMDQ-004: SSec=1 on the Non-secure queue.
  const bool has_ssec = op == kPrefetchConfig || op == kPrefetchAddr || op == kCfgiSte ||
                        op == kCfgiSteRange || op == kCfgiCd || op == kCfgiCdAll ||
                        op == kResume || op == kStallTerm;
  if (has_ssec && SSec(cmd)) return kCerrorIll;
  const spec::Profile& p = profile_;
  switch (op) {
    // R-CMDQ-005: commands for features the profile lacks.
    case kCfgiCd: case kCfgiCdAll: case kTlbiNhAll: case kTlbiNhAsid: case kTlbiNhVa:
    case kTlbiNhVaa:
      if (!p.s1p) return kCerrorIll;
      break;
    case kTlbiS12Vmall: case kTlbiS2Ipa:
      if (!p.s2p) return kCerrorIll;
      break;
    case kTlbiEl2All: case kTlbiEl2Asid: case kTlbiEl2Va: case kTlbiEl2Vaa:
      if (!p.hyp) return kCerrorIll;
      break;
    case kTlbiEl3All: case kTlbiEl3Va: case kCfgiVmsPidm:
      return kCerrorIll;
    case kAtcInv:
      return p.ats ? kCerrorNone : kCerrorIll;
    case kPriResp:
      return p.pri ? kCerrorNone : kCerrorIll;
    case kResume: case kStallTerm:
      return p.stall_model == 1 ? kCerrorIll : kCerrorNone;
    case kSync:
      // R-CMDQ-006: CS=0b11 is reserved.
      if (SyncCs(cmd) == 3) return kCerrorIll;
      break;
    default:
      break;
  }
  const uint64_t tg = Get<uint64_t>(cmd, kTG);
  if (RangeCapable(op) && p.ril && tg != kTgNone) {
    // R-TLBI-012: a range with NUM=SCALE=TTL=0 is reserved; TG=16KB with TTL=1 counts as TTL=0
    // without DS.
    uint64_t ttl = Get<uint64_t>(cmd, kTTL);
    if (tg == kTg16K && ttl == 1 && !p.ds) ttl = 0;
    if (Get<uint64_t>(cmd, kNUM) == 0 && Get<uint64_t>(cmd, kSCALE) == 0 && ttl == 0) {
      return kCerrorIll;
    }
  }
  // R-CMDQ-010: with cmd_res0_ill, a non-zero reserved field is CERROR_ILL.
  // An implementation picks one alternative; with `any` the engine ignores reserved fields.
  if (p.Pick(spec::Choice::kCmdRes0Ill, 0) == 1 && op != kPrefetchAddr) {
    uint64_t used[2];
    UsedBits(op, p, used);
    if ((cmd[0] & ~used[0]) != 0 || (cmd[1] & ~used[1]) != 0) return kCerrorIll;
  }
  return kCerrorNone;
}

// CMD_CFGI_STE: with Leaf=0 the L1STD goes too, and with it every STE this engine decoded
// through it, i.e. every StreamID under the same L1 entry of a 2-level table (R-CFGI-003).
void Engine::CfgiSte(uint32_t sid, bool leaf) {
  const uint64_t cfg = regs_.Read(Reg::STRTAB_BASE_CFG);
  if (leaf || profile_.st_level == 0 || ((cfg >> 16) & 3) != 1) {
    cfg_.InvalidateSteRange(sid, sid);
    return;
  }
  unsigned split = (cfg >> 6) & 31;
  if (split != 6 && split != 8 && split != 10) split = 6;  // R-STRTAB-005
  const uint32_t under = static_cast<uint32_t>(LowMask<uint64_t>(split));
  cfg_.InvalidateSteRange(sid & ~under, sid | under);
}

// CMD_CFGI_CD: SubstreamID 0 is CD-table index 0. With Leaf=0 the L1CD goes too, and with it
// every CD this engine decoded through it: the indices under the same L1CD (R-CFGI-005). CDs are
// cached only under a cached STE, whose S1Fmt gives the leaf size.
void Engine::CfgiCd(uint32_t sid, uint32_t ssid, bool leaf) {
  const SteConfig* ste = cfg_.FindSte(sid);
  if (leaf || ste == nullptr || (ste->s1fmt != 1 && ste->s1fmt != 2) || ste->s1cdmax == 0) {
    cfg_.InvalidateCd(sid, ssid);
    return;
  }
  const unsigned leaf_bits = ste->s1fmt == 1 ? 6 : 10;
  cfg_.InvalidateCdUnder(sid, ssid >> leaf_bits, leaf_bits);
}

void Engine::Invalidate(const Scope& tlb_scope, const Scope& walk_scope) {
  tlb_.Invalidate(tlb_scope);
  walks_.Invalidate(walk_scope);
}

void Engine::ExecuteCommand(const uint64_t cmd[2]) {
  const uint64_t op = Opcode(cmd);
  // The TLBI scopes are the kernel TlbiScope (kernels.h), proved against the model's Covers.
  const TlbiScopeWords<uint64_t> w = TlbiScope<uint64_t>(
      static_cast<unsigned>(op), cmd[0], cmd[1], profile_.s2p, profile_.vmid16, profile_.asid16,
      profile_.ril);
  Scope s;
  s.regimes = static_cast<uint32_t>(w.regimes);
  s.match_vmid = w.match_vmid;
  s.vmid = static_cast<uint16_t>(w.vmid);
  s.match_asid = w.match_asid;
  s.keep_global = w.keep_global;
  s.asid = static_cast<uint16_t>(w.asid);
  s.match_addr = w.match_addr;
  s.addr = w.addr;
  s.size = w.size;
  if (SMMUREF_MUTANT(1) && (op == kTlbiNhVa || op == kTlbiNhAsid)) {
    // Mutant 1: CMD_TLBI_NH_VA/NH_ASID compare the ASID wrongly (the operand is read one byte
    // low, from bits [55:40], so entries of the given ASID survive).
    s.asid = static_cast<uint16_t>(cmd[0] >> 40);
  }
  if (SMMUREF_MUTANT(2) && s.match_addr && profile_.ril && Get<uint64_t>(cmd, kTG) != kTgNone) {
    // Mutant 2: range invalidation one page short (the last page of the range survives).
    s.size -= uint64_t{1} << (10 + 2 * Get<uint64_t>(cmd, kTG));
  }
  if (op != kSync && op != kPrefetchConfig && op != kPrefetchAddr) micro_.Flush();
  switch (op) {
    case kCfgiSte:
      if (SMMUREF_MUTANT(4)) {
        // Mutant 4: CMD_CFGI_STE leaves the cached STE in place (only its CDs are dropped).
        cfg_.InvalidateCdAll(Sid(cmd));
        return;
      }
      CfgiSte(Sid(cmd), (cmd[1] & 1) != 0);
      return;
    case kCfgiSteRange: {
      // CFGI_ALL is Range=31; Range r covers 2^(r+1) aligned StreamIDs.
      const unsigned range = static_cast<unsigned>(Get<uint64_t>(cmd, kRange));
      const uint64_t span = uint64_t{2} << range;
      const uint64_t first = Sid(cmd) & ~(span - 1);
      cfg_.InvalidateSteRange(static_cast<uint32_t>(first),
                              static_cast<uint32_t>(std::min<uint64_t>(first + span - 1,
                                                                       0xffffffffull)));
      return;
    }
    case kCfgiCd:
      CfgiCd(Sid(cmd), Ssid(cmd), (cmd[1] & 1) != 0);
      return;
    case kCfgiCdAll:
      cfg_.InvalidateCdAll(Sid(cmd));
      return;
    case kTlbiNhAll: case kTlbiNhAsid: case kTlbiNhVa: case kTlbiNhVaa: case kTlbiEl2All:
    case kTlbiEl2Asid: case kTlbiEl2Va: case kTlbiEl2Vaa: case kTlbiS12Vmall: case kTlbiNsnhAll:
    case kTlbiS2Ipa: {
      Scope walk = s;
      walk.regimes = static_cast<uint32_t>(w.walk_regimes);
      Invalidate(s, walk);
      return;
    }
    case kSync:
      if (SyncCs(cmd) == 1 && profile_.msi) {
        // R-CMDQ-007: CMD_SYNC with CS=SIG_IRQ writes MSIData to a non-zero MSIAddr.
        const uint64_t addr = cmd[1] & kSyncMSIAddr.mask & LowMask<uint64_t>(profile_.oas);
        if (addr == 0) return;
        const unsigned shift = (addr & 4) ? 32 : 0;
        const uint64_t word = mem_.Peek64(addr);
        const uint64_t stored = (word & ~(0xffffffffull << shift)) |
                                Get<uint64_t>(cmd, kSyncMSIData) << shift;
        if (!mem_.Store(addr, 1, &stored)) {
          regs_.RaiseGerror(regbits::kMsiCmdqAbtErr);  // the MSI write was aborted [§7.5]
          return;
        }
      }
      return;
    default:
      return;  // PREFETCH_*: optional, no observable effect here
  }
}

void Engine::ProcessCommands() {
  // R-CMDQ-001: consume while CMDQEN=1, not empty, and CMDQ_ERR inactive.
  while (regs_.CmdqEnabled() && !regs_.GerrorActive(regbits::kCmdqErr)) {
    const uint64_t base_reg = regs_.Read(Reg::CMDQ_BASE);
    // R-CMDQ-002: 2^MIN(LOG2SIZE, CMDQS) 16-byte slots from a base aligned to MAX(32, size).
    const uint64_t qs = std::min<uint64_t>(base_reg & regbits::kQueueLog2Mask, profile_.cmdqs);
    // R-CMDQ-012: truncated to the OAS.
    const uint64_t base = base_reg & regbits::kQueueAddrMask &
                          ~LowMask<uint64_t>(std::max<uint64_t>(5, qs + 4)) &
                          LowMask<uint64_t>(profile_.oas);
    const uint64_t prod = regs_.Read(Reg::CMDQ_PROD) & regbits::kPtrMask;
    uint64_t cons = regs_.Read(Reg::CMDQ_CONS);
    if (QueueEmpty<uint64_t>(prod, cons & regbits::kPtrMask, qs)) return;
    const uint64_t slot = base + QueueIndex<uint64_t>(cons, qs) * 16;
    uint64_t cmd[2];
    // R-CMDQ-008: an abort fetching the command is CERROR_ABT.
    const unsigned err = mem_.Read(slot, 2, cmd) ? CheckCommand(cmd) : kCerrorAbt;
    if (err != kCerrorNone) {
      // R-CMDQ-009: CONS stays on the command, CONS.ERR takes the code, CMDQ_ERR activates.
      cons = (cons & ~regbits::kConsErrMask) | uint64_t{err} << regbits::kConsErrShift;
      regs_.Set(Reg::CMDQ_CONS, cons);
      regs_.RaiseGerror(regbits::kCmdqErr);
      return;
    }
    ExecuteCommand(cmd);
    const uint64_t next = QueueNext<uint64_t>(cons & regbits::kPtrMask, qs);
    if (SMMUREF_MUTANT(11) && QueueIndex<uint64_t>(next, qs) == 0) {
      // Mutant 11: command-queue CONS does not toggle its wrap bit. The consumer stops at the
      // end of the queue (its own position is right), but the CONS it publishes keeps the old
      // wrap bit, so software sees the queue as not consumed.
      regs_.Set(Reg::CMDQ_CONS, cons & ~(regbits::kPtrMask & LowMask<uint64_t>(qs)));
      return;
    }
    cons = (cons & ~regbits::kPtrMask) | next;
    regs_.Set(Reg::CMDQ_CONS, cons);
  }
}

}  // namespace smmuref::impl::arch
