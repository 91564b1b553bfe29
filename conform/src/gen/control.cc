// SMMU control in generated programs: SMMUEN off and on with GBPA (bypass or abort while
// disabled), changes made while disabled, re-initialisation, hot-added streams, teardown, and
// register writes the architecture ignores (ID registers, read-only registers, bases while their
// enable is set, GBPA without UPDATE) [IHI0070 §3.4, §6.3.9-§6.3.31].
// Tests: tests/conform/gen_test.cc
#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

namespace rf = spec::reg;

void Generator::EnableAll() {
  // A driver enables the command queue, invalidates everything, then the event queue and
  // translation.
  SetCr0(false, false, true);
  if (Chance(70)) CleanupAll();
  SetCr0(false, evtq_on_, true);
  SetCr0(true, evtq_on_, true);
}

void Generator::LifecycleOp() {
  switch (Below(5)) {
    case 0: {
      // SMMUEN=0: transactions bypass or abort by GBPA.ABORT (R-TXN-016); nothing is cached
      // meanwhile (R-CACHE-004). Software may change tables while disabled.
      SetCr0(false, evtq_on_, true);
      if (Chance(60)) {
        uint64_t gbpa = 0;
        spec::Set(&gbpa, rf::GBPA_ABORT, Chance(50));
        spec::Set(&gbpa, rf::GBPA_UPDATE, 1);
        Linef("reg.write32 GBPA 0x%llx", static_cast<unsigned long long>(gbpa));
      }
      for (int i = 0; i < 2; ++i) {
        if (!streams_.empty()) TxnStream(Pick(streams_), true);
      }
      // StreamID 0 (or the platform's first), at the first address past the OAS.
      Linef("txn 0x%x - 0x%llx %s", Sids().empty() ? 0u : Sids().front(),
            static_cast<unsigned long long>(uint64_t{1} << p_.oas),
            o_.platform.unprivileged ? "r" : "rp");
      if (Chance(50)) Remap();
      if (Chance(30)) RewriteSte();
      SetCr0(true, evtq_on_, true);
      if (Chance(60)) CleanupAll();
      break;
    }
    case 1:
      Teardown();
      break;
    case 2:
      NewStream();
      Invalidate();
      break;
    default:
      RegisterPoke();
      break;
  }
}

// Register writes whose effect a device must get right, compared after each write: ignored
// writes to read-only registers (R-REG-001, R-REG-003), to bases while enabled (R-REG-005..007),
// GBPA without UPDATE (R-REG-004), IRQ_CTRL and its ACK.
void Generator::RegisterPoke() {
  const uint64_t low = Below(1u << 31);  // one draw per statement: the same with every compiler
  const uint64_t v = low | (Below(2) << 31);
  // In v3.1 a write to a base while its enable is set, or to GBPA without UPDATE, is CONSTRAINED
  // UNPREDICTABLE (spec/choices.md C-REG-003, C-REG-005..007): only v3.2 ignores them.
  const bool v32 = p_.arch_minor >= 2;
  switch (Below(9)) {
    case 0: {
      static const char* kId[] = {"IDR0", "IDR1", "IDR3", "IDR5", "AIDR", "IIDR", "IDR2", "IDR4"};
      Linef("reg.write32 %s 0x%llx", kId[Below(8)], static_cast<unsigned long long>(v));
      break;
    }
    case 1: Linef("reg.write32 CR0ACK 0x%llx", static_cast<unsigned long long>(v)); break;
    case 2: Linef("reg.write32 GERROR 0x%llx", static_cast<unsigned long long>(v & 0xff)); break;
    case 3:
      if (!v32) break;
      if (enabled_) Linef("reg.write64 STRTAB_BASE 0x%llx", static_cast<unsigned long long>(Alloc(64, 64)));
      if (enabled_ && Chance(50)) Line("reg.write32 STRTAB_BASE_CFG 0x3");
      break;
    case 4:
      if (!v32 || !spec::Get(&cr0_, rf::CR0_CMDQEN)) break;
      Linef("reg.write64 CMDQ_BASE 0x%llx", static_cast<unsigned long long>(Alloc(64, 64) | 1));
      Line("reg.write32 CMDQ_CONS 0x3");
      break;
    case 5:
      if (!v32 || !evtq_on_) break;
      Linef("reg.write64 EVENTQ_BASE 0x%llx", static_cast<unsigned long long>(Alloc(64, 64) | 1));
      Line("reg.write32 EVENTQ_PROD 0x1");
      break;
    case 6: {
      if (!v32) break;
      uint64_t gbpa = 0;
      spec::Set(&gbpa, rf::GBPA_ABORT, 1);
      spec::Set(&gbpa, rf::GBPA_MemAttr, Below(16));
      Linef("reg.write32 GBPA 0x%llx", static_cast<unsigned long long>(gbpa));  // no UPDATE
      break;
    }
    case 7: Linef("reg.write32 IRQ_CTRL 0x%llx", static_cast<unsigned long long>(Below(8))); break;
    default: Line("reg.write32 GERROR_IRQ_CFG1 0x1"); break;
  }
}

}  // namespace smmuref::conform::gen
