// Hitless updates of live STEs and CDs (update.h): the used bits of each configuration and the
// planner that orders the doubleword writes [IHI0070 §3.21.3, §5.2, §5.4].
// Tests: tests/impl/driver/update_test.cc, tests/cli/explain_update_cli_test.cc
#include "smmuref/impl/driver/update.h"

#include <cstdio>

namespace smmuref::impl::driver {

namespace ste = layout::ste;
namespace cd = layout::cd;
using layout::Get;

Entry SteUsedBits(const Entry& e) {
  Entry used{};
  used[0] = ste::kDw0V;
  // V=0: every other field is IGNORED [§5.2 V].
  if (!(e[0] & ste::kDw0V)) return used;
  used[0] |= ste::kDw0Config;
  const uint64_t config = Get(ste::kDw0Config, e[0]);
  // Config=0b0xx: abort; nothing else is read [§5.2.1].
  if (!(config & 0b100)) return used;
  // Every translating or bypass configuration reads the attribute and permission overrides
  // and MEV [§5.2 MTCFG..INSTCFG, §13.5].
  used[1] |= ste::kDw1MEV | ste::kDw1MemAttr | ste::kDw1MTCFG | ste::kDw1ALLOCCFG |
             ste::kDw1SHCFG | ste::kDw1NSCFG | ste::kDw1PRIVCFG | ste::kDw1INSTCFG;
  const bool stage1 = config & 0b001, stage2 = config & 0b010;
  if (stage1) {
    used[0] |= ste::kDw0S1ContextPtr | ste::kDw0S1CDMax;
    // S1Fmt and S1DSS are IGNORED with S1CDMax=0 (one CD, no substreams) [§5.2 S1CDMax].
    if (Get(ste::kDw0S1CDMax, e[0]) != 0) {
      used[0] |= ste::kDw0S1Fmt;
      used[1] |= ste::kDw1S1DSS;
    }
    used[1] |= ste::kDw1S1CIR | ste::kDw1S1COR | ste::kDw1S1CSH | ste::kDw1S1STALLD |
               ste::kDw1EATS;
    // STRW is IGNORED when stage 2 is enabled [§5.2 STRW].
    if (!stage2) used[1] |= ste::kDw1STRW;
    // With stage 2 implemented, S2VMID tags the stage-1-only NS-EL1 translations too.
    used[2] |= ste::kDw2S2VMID;
  }
  if (stage2) {
    used[1] |= ste::kDw1EATS;
    used[2] |= ste::kDw2S2VMID | ste::kDw2VTCR | ste::kDw2S2AA64 | ste::kDw2S2ENDI |
               ste::kDw2S2AFFD | ste::kDw2S2PTW | ste::kDw2S2HD | ste::kDw2S2HA | ste::kDw2S2S |
               ste::kDw2S2R | ste::kDw2S2HAFT;
    used[3] |= ste::kDw3S2TTB;
  }
  return used;
}

Entry CdUsedBits(const Entry& e) {
  Entry used{};
  used[0] = cd::kDw0V;
  // V=0: nothing else is looked at [§5.4 V].
  if (!(e[0] & cd::kDw0V)) return used;
  used.fill(~uint64_t{0});
  // EPDx=1: the walk fields of that half are IGNORED [§5.4 EPD0, EPD1].
  if (e[0] & cd::kDw0EPD0) {
    used[0] &= ~cd::kDw0Half0;
    used[1] &= ~cd::kDw1TTB0;
  }
  if (e[0] & cd::kDw0EPD1) {
    used[0] &= ~cd::kDw0Half1;
    used[2] &= ~cd::kDw2TTB1;
  }
  return used;
}

Entry UsedBits(EntryKind kind, const Entry& e) {
  return kind == EntryKind::kSte ? SteUsedBits(e) : CdUsedBits(e);
}

namespace {

// Appends `next` as a step unless it writes nothing.
void Step(std::vector<Entry>& steps, Entry& cur, const Entry& next) {
  if (next == cur) return;
  steps.push_back(next);
  cur = next;
}

}  // namespace

UpdatePlan PlanUpdate(EntryKind kind, const Entry& from, const Entry& to) {
  UpdatePlan plan;
  Entry cur = from;
  const Entry cur_used = UsedBits(kind, from);
  const Entry to_used = UsedBits(kind, to);
  // Step 1: the bits the current configuration does not read take their target values.
  Entry unused_update;
  for (unsigned i = 0; i < 8; ++i) unused_update[i] = (from[i] & cur_used[i]) | (to[i] & ~cur_used[i]);
  // The doublewords that still differ from the target in bits the target reads.
  unsigned critical = 0, count = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if ((unused_update[i] ^ to[i]) & to_used[i]) {
      critical = i;
      ++count;
    }
  }
  if (count <= 1) {
    // Steps 1 and 2 are one write when every other doubleword step 1 changes already agrees
    // with the target on the bits the target reads: a torn read then shows the old entry on
    // the bits it reads (critical word old) or the target on the bits it reads (critical word
    // new). Likewise steps 2 and 3 when step 3 changes no bit the old entry reads.
    bool merge12 = true, merge23 = true;
    for (unsigned i = 0; i < 8; ++i) {
      if (i == critical) continue;
      if (unused_update[i] != from[i] && ((from[i] ^ to[i]) & to_used[i])) merge12 = false;
      if ((unused_update[i] ^ to[i]) & cur_used[i]) merge23 = false;
    }
    // Step 1: the bits the current entry ignores.
    if (!merge12) Step(plan.steps, cur, unused_update);
    // Step 2: the critical doubleword whole (with step 1's other words when merged).
    Entry next = merge12 ? unused_update : cur;
    next[critical] = to[critical];
    if (!merge23) Step(plan.steps, cur, next);
    // Step 3: the rest, bits the target ignores.
    Step(plan.steps, cur, to);
    return plan;
  }
  // No hitless order: break (V=0 in DW0, where both structures keep V), rewrite, make.
  plan.hitless = false;
  const uint64_t v = kind == EntryKind::kSte ? ste::kDw0V : cd::kDw0V;
  Entry next = cur;
  next[0] &= ~v;
  Step(plan.steps, cur, next);
  next = to;
  next[0] = cur[0];
  Step(plan.steps, cur, next);
  Step(plan.steps, cur, to);
  return plan;
}

std::string FormatPlan(EntryKind kind, const Entry& from, const UpdatePlan& plan) {
  const char* cfgi = kind == EntryKind::kSte ? "CFGI_STE" : "CFGI_CD";
  std::string out;
  Entry cur = from;
  char buf[32];
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const Entry& e = plan.steps[s];
    out += "sync " + std::to_string(s + 1) + ":";
    for (unsigned i = 0; i < 8; ++i) {
      std::snprintf(buf, sizeof buf, " %s%#llx", e[i] != cur[i] ? "*" : "",
                    static_cast<unsigned long long>(e[i]));
      out += buf;
    }
    out += std::string("  (then CMD_") + cfgi + ", CMD_SYNC)\n";
    cur = e;
  }
  out += "syncs=" + std::to_string(plan.Syncs()) + " hitless=" + (plan.hitless ? "yes" : "no") +
         "\n";
  return out;
}

}  // namespace smmuref::impl::driver
