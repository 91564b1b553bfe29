// Commands in generated programs: the command queue as software drives it (occupancy, CMD_SYNC
// with and without MSI), the invalidations each recorded change needs in every form and scope
// the architecture offers (CFGI_STE/STE_RANGE/ALL/CD/CD_ALL, TLBI_NH_*/EL2_*/S12_VMALL/S2_IPA/
// NSNH_ALL, range forms with TG/TTL/Leaf), deliberately insufficient ones, and random
// invalidations that exercise the scopes without a change [IHI0070 §4.3-§4.7, §3.21].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"
#include "smmuref/spec/tables.h"

namespace smmuref::conform::gen {

void Generator::Cmd(const gen::Cmd& c) {
  const uint32_t cap = 1u << std::min(cmdq_log2_, p_.cmdqs);
  if (cmdq_pending_ + 1 >= cap) Process();
  Tokens("cmd", Hex{c.dw[0]}, Hex{c.dw[1]});
  ++cmdq_pending_;
  cmdq_prod_ = (cmdq_prod_ + 1) & ((2u << std::min(cmdq_log2_, p_.cmdqs)) - 1);
}

void Generator::Process() {
  Line("process");
  cmdq_pending_ = 0;
}

void Generator::Sync() {
  unsigned cs = 0;
  uint64_t msi = 0;
  if (ChanceIn(Focus::kQueues, 10)) {
    cs = static_cast<unsigned>(1 + Below(2));  // SIG_IRQ (an MSI when IDR0.MSI) or SIG_SEV
    msi = msi_ + 4 * Below(8);
  }
  if (vm_structures_dirty_) Cmd(CmdCfgiSteRange(0, 31));  // see Changed (remap.cc)
  Cmd(CmdSync(cs, msi, msi_data_++));
  // R-CMDQ-013: now and then an MSI-signalling CMD_SYNC stays in the queue with what follows it,
  // so that an invalidation consumed after it in the same run is ordered after its MSI write.
  if (cs == 1 && p_.msi && ChanceIn(Focus::kQueues, 30)) return;
  Process();
}

namespace {

uint16_t Vmid(const spec::Profile& p, uint16_t vmid) { return p.s2p ? vmid : 0; }

}  // namespace

void SanitizeRange(TlbiAddr& a, int level);

// The address operand of a TLBI by address for an entry at `va`/`level` of `rt`: non-range, or
// (IDR3.RIL) a range of the entry's granule holding it at a random position, with TTL of its
// level when `leaf_ok`. A subtree change gets a range that covers the whole subtree.
TlbiAddr Generator::AddressOperand(const Root& rt, uint64_t va, int level, bool leaf_ok) {
  TlbiAddr a;
  a.leaf = leaf_ok && Chance(50);
  const unsigned g = rt.g;
  a.addr = va >> g << g;
  if (!p_.ril || !ChanceIn(Focus::kInval, 40)) return a;
  a.tg = g == 12 ? 1 : g == 14 ? 2 : 3;
  const unsigned span_log2 = LevelShift(g, level) - g;  // pages in the entry, log2
  if (span_log2 > 0) {
    // Cover the entry (block or subtree): 2^span_log2 pages from its base.
    const unsigned k = std::min(span_log2, 5u);
    a.num = (1u << k) - 1;
    a.scale = span_log2 - k;
    a.addr = va >> LevelShift(g, level) << LevelShift(g, level);
  } else {
    a.num = static_cast<unsigned>(Below(8));
    a.scale = static_cast<unsigned>(Below(3));
    const uint64_t pages = uint64_t{a.num + 1} << a.scale;
    // The changed page first, last or anywhere in the range.
    const uint64_t k = Chance(30) ? 0 : Chance(40) ? pages - 1 : Below(pages);
    a.addr = (va >> g << g) - (k << g);
  }
  if (leaf_ok && Chance(50)) a.ttl = static_cast<unsigned>(level);
  SanitizeRange(a, level);
  return a;
}

// TTL=0 with NUM=0 and SCALE=0 is reserved (R-TLBI-012), and TTL=1 with 16KB behaves as 0: a
// one-page range names its level, else covers two pages.
void SanitizeRange(TlbiAddr& a, int level) {
  if (a.tg == 0) return;
  if (a.num == 0 && a.scale == 0 && a.ttl == 0) a.ttl = static_cast<unsigned>(level);
  if (a.tg == 2 && a.ttl == 1) a.ttl = 0;
  if (a.num == 0 && a.scale == 0 && a.ttl == 0) a.num = 1;
}

void Generator::InvalidateS1(int ctx, const Dirty& d, bool proper) {
  const S1Ctx& c = s1_[ctx];
  const Root& rt = roots_[d.root];
  const uint16_t vmid = Vmid(p_, c.vmid);
  const uint16_t asid = c.el2 && !e2h_ ? 0 : c.cd.asid;
  // A block seen through a stage 2 may be held as combined entries as small as the stage-2 page,
  // each matched only by an address inside it [IHI0070 §4.4]: like a subtree, it needs a range
  // over the whole block or an ASID/VMID-wide invalidation.
  const bool whole = d.subtree || (c.s2ctx >= 0 && d.level < 3);
  if (!proper) {
    // Insufficient on purpose; a subtree change is only ever omitted entirely, since a partial
    // invalidation would leave TLB entries the model ties to unchanged locations.
    if (whole || Chance(40)) return;
    TlbiAddr a = AddressOperand(rt, d.va, d.level, true);
    switch (Below(5)) {
      case 0: a.leaf = true; break;                                   // Leaf=1 for a table
      case 1:                                                         // the next entry
        a.addr = (d.va >> LevelShift(rt.g, d.level) << LevelShift(rt.g, d.level)) +
                 (uint64_t{1} << LevelShift(rt.g, d.level));
        a.tg = 0;
        break;
      case 2: if (a.tg) a.tg = a.tg % 3 + 1; break;                   // another granule
      case 3:
        if (!c.el2 && !d.global) Cmd(CmdTlbiNhAsid(vmid, static_cast<uint16_t>(asid + 1)));
        return;
      default:
        // The other regime: NH_* never reaches EL2 entries, nor EL2_* EL1 ones (R-TLBI-008).
        if (c.el2) Cmd(CmdTlbiNhVa(vmid, asid, a));
        else if (p_.hyp) Cmd(CmdTlbiEl2Va(asid, a));
        return;
    }
    SanitizeRange(a, d.level);
    Cmd(c.el2 ? CmdTlbiEl2Va(asid, a) : CmdTlbiNhVa(vmid, asid, a));
    return;
  }
  const bool by_address = !whole || (p_.ril && Chance(50));
  const unsigned k = static_cast<unsigned>(Below(6));
  if (by_address && k < 3) {
    TlbiAddr a = AddressOperand(rt, d.va, d.level, !d.table);
    if (whole && a.tg == 0) a = AddressOperand(rt, d.va, d.level, false);
    if (whole && a.tg == 0) {
      Cmd(c.el2 ? CmdTlbiEl2All() : CmdTlbiNhAll(vmid));
      return;
    }
    const bool vaa = k == 2 || (d.global && Chance(50));
    if (c.el2) Cmd(vaa ? CmdTlbiEl2Vaa(a) : CmdTlbiEl2Va(asid, a));
    else Cmd(vaa ? CmdTlbiNhVaa(vmid, a) : CmdTlbiNhVa(vmid, asid, a));
    return;
  }
  if (k == 3 && !d.global && (!c.el2 || e2h_)) {
    Cmd(c.el2 ? CmdTlbiEl2Asid(asid) : CmdTlbiNhAsid(vmid, asid));
    return;
  }
  if (c.el2) {
    Cmd(CmdTlbiEl2All());
  } else if (k == 4 && p_.s2p) {
    Cmd(CmdTlbiS12Vmall(vmid));
  } else {
    Cmd(Chance(50) ? CmdTlbiNhAll(vmid) : CmdTlbiNsnhAll());
  }
}

void Generator::InvalidateS2(int ctx, const Dirty& d, bool proper) {
  const S2Ctx& c = s2_[ctx];
  const Root& rt = roots_[d.root];
  if (!proper) {
    if (d.subtree || Chance(40)) return;
    TlbiAddr a = AddressOperand(rt, d.va, d.level, true);
    if (Chance(50)) a.leaf = true;
    else a.addr += uint64_t{1} << rt.g;
    Cmd(CmdTlbiS2Ipa(static_cast<uint16_t>(Chance(50) ? c.vmid : c.vmid + 1), a));
    return;
  }
  const unsigned k = static_cast<unsigned>(Below(4));
  if (k < 2 && (!d.subtree || p_.ril)) {
    TlbiAddr a = AddressOperand(rt, d.va, d.level, !d.table);
    if (d.subtree && a.tg == 0) a = AddressOperand(rt, d.va, d.level, false);
    if (!d.subtree || a.tg != 0) {
      Cmd(CmdTlbiS2Ipa(c.vmid, a));
      return;
    }
  }
  Cmd(k == 3 ? CmdTlbiNsnhAll() : CmdTlbiS12Vmall(c.vmid));
}

// The TLB entries of contexts whose configuration changed: always invalidated (the model ties
// cached translations to table locations, so it cannot allow entries of an old configuration).
void Generator::InvalidateContexts(const Dirty& d) {
  if (d.ctx1.empty() && d.ctx2.empty()) {
    if (p_.s1p || p_.s2p) Cmd(CmdTlbiNsnhAll());
    if (p_.hyp) Cmd(CmdTlbiEl2All());
    return;
  }
  for (int i : d.ctx1) {
    const S1Ctx& c = s1_[i];
    if (c.el2) Cmd(e2h_ && Chance(50) ? CmdTlbiEl2Asid(c.cd.asid) : CmdTlbiEl2All());
    else Cmd(Chance(70) ? CmdTlbiNhAll(Vmid(p_, c.vmid)) : CmdTlbiNsnhAll());
  }
  for (int i : d.ctx2) Cmd(CmdTlbiS12Vmall(s2_[i].vmid));
}

void Generator::InvalidateOne(const Dirty& d, bool proper) {
  using What = Dirty::What;
  if (d.context) InvalidateContexts(d);
  switch (d.what) {
    case What::kSte:
    case What::kL1Std: {
      const bool l1 = d.what == What::kL1Std;
      if (!proper) {
        if (Chance(50)) return;
        // CFGI_STE with Leaf=1 leaves the L1STD (R-CFGI-003); a range that misses the SID.
        if (l1) Cmd(CmdCfgiSte(d.sid, true));
        else Cmd(CmdCfgiSteRange(d.sid ^ 2, 0));
        return;
      }
      const unsigned k = static_cast<unsigned>(Below(10));
      if (k < 6) Cmd(CmdCfgiSte(d.sid, l1 ? false : Chance(50)));
      else if (k < 9) Cmd(CmdCfgiSteRange(d.sid, static_cast<unsigned>(Below(8))));
      else Cmd(CmdCfgiSteRange(0, 31));  // CMD_CFGI_ALL
      return;
    }
    case What::kCd:
    case What::kL1Cd: {
      const bool l1 = d.what == What::kL1Cd;
      // Every stream that reaches the CD table needs its own invalidation (R-CFGI-004).
      bool first = true;
      for (const Stream& s : streams_) {
        if (s.cdtab != d.cdtab) continue;
        if (!proper && (!first || Chance(50))) continue;
        first = false;
        const unsigned k = static_cast<unsigned>(Below(10));
        if (!proper) Cmd(CmdCfgiCd(s.sid, d.ssid ^ 1, l1 ? true : Chance(50)));
        else if (k < 6) Cmd(CmdCfgiCd(s.sid, d.ssid, l1 ? false : Chance(50)));
        else if (k < 8) Cmd(CmdCfgiCdAll(s.sid));
        else if (k < 9) Cmd(CmdCfgiSte(s.sid, Chance(50)));
        else Cmd(CmdCfgiSteRange(s.sid, static_cast<unsigned>(Below(4))));
      }
      return;
    }
    case What::kS1:
      for (int ctx : S1UsersOf(d.root)) InvalidateS1(ctx, d, proper || Chance(50));
      return;
    case What::kS2:
      for (int ctx : S2UsersOf(d.root)) InvalidateS2(ctx, d, proper || Chance(50));
      return;
  }
}

void Generator::Flush(bool force_proper) {
  if (dirty_.empty()) return;
  const bool proper = force_proper || !ChanceIn(Focus::kInval, 20);
  for (const Dirty& d : dirty_) {
    if (ChanceIn(Focus::kInval, 30)) WarmAndCheck(d, 1);
  }
  for (const Dirty& d : dirty_) InvalidateOne(d, proper);
  const bool sync = proper || Chance(50);
  if (sync) Sync();
  else Process();
  if (proper) {
    // Stage-1 entries combined with changed stage-2 entries go only with a stage-1 invalidation
    // after the stage-2 one completed (R-TLBI-011).
    std::vector<uint16_t> vmids;
    for (const Dirty& d : dirty_) {
      if (d.what != Dirty::What::kS2) continue;
      for (int ctx : S2UsersOf(d.root)) {
        for (const S1Ctx& c : s1_) {
          if (c.s2ctx == ctx) vmids.push_back(s2_[ctx].vmid);
        }
      }
    }
    std::sort(vmids.begin(), vmids.end());
    vmids.erase(std::unique(vmids.begin(), vmids.end()), vmids.end());
    for (uint16_t v : vmids) Cmd(Chance(50) ? CmdTlbiNhAll(v) : CmdTlbiS12Vmall(v));
    if (!vmids.empty()) Sync();
  }
  for (const Dirty& d : dirty_) WarmAndCheck(d, 1 + static_cast<int>(Below(2)));
  if (proper) {
    dirty_.clear();
    improper_ = 0;
    vm_structures_dirty_ = false;
  }
}

// Everything invalidated and made visible: what a driver does after losing track.
void Generator::CleanupAll() {
  Process();
  if (!p_.coherent_walk) Line("mem.clean 0x0 0x100000000");
  Cmd(CmdCfgiSteRange(0, 31));
  if (p_.s1p || p_.s2p) Cmd(CmdTlbiNsnhAll());
  if (p_.hyp) Cmd(CmdTlbiEl2All());
  Sync();
  dirty_.clear();
  improper_ = 0;
  vm_structures_dirty_ = false;
}

// Invalidations without a change, in every form the profile offers, to exercise the scopes.
void Generator::SpuriousInvalidation() {
  // Never while changes are outstanding: a partial invalidation of a changed subtree, or of a
  // VM's structure region, would blame a correct device (see Changed, remap.cc).
  if (!dirty_.empty()) Flush(true);
  const unsigned n = 1 + static_cast<unsigned>(Below(3));
  for (unsigned i = 0; i < n; ++i) {
    const uint32_t sid = streams_.empty() ? 0 : Pick(streams_).sid;
    const uint16_t asid = s1_.empty() ? 1 : Pick(s1_).cd.asid;
    const uint16_t vmid = s2_.empty() ? 1 : Pick(s2_).vmid;
    // An address of a stage-1 tree for the TLBIs by VA, of a stage-2 tree for S2_IPA.
    const unsigned k = static_cast<unsigned>(Below(12));
    TlbiAddr a;
    std::vector<int> trees;
    for (size_t i = 0; i < roots_.size(); ++i) {
      if ((roots_[i].stage == 2) == (k == 7)) trees.push_back(static_cast<int>(i));
    }
    if (!trees.empty()) {
      const Root& rt = roots_[Pick(trees)];
      const Leaf l = rt.leaves.empty() ? Leaf{} : Pick(rt.leaves);
      a = AddressOperand(rt, l.va, l.level, true);
    }
    switch (k) {
      case 0: Cmd(CmdCfgiSte(sid, Chance(50))); break;
      case 1: Cmd(CmdCfgiSteRange(sid, static_cast<unsigned>(Below(32)))); break;
      case 2:
        if (p_.s1p) {  // one draw per statement: the same program with every compiler
          const bool leaf = Chance(50);
          Cmd(CmdCfgiCd(sid, static_cast<uint32_t>(Below(4)), leaf));
        }
        break;
      case 3: if (p_.s1p) Cmd(CmdCfgiCdAll(sid)); break;
      case 4: if (p_.s1p) Cmd(CmdTlbiNhAsid(Vmid(p_, vmid), asid)); break;
      case 5: if (p_.s1p) Cmd(CmdTlbiNhVa(Vmid(p_, vmid), asid, a)); break;
      case 6: if (p_.s1p) Cmd(CmdTlbiNhVaa(Vmid(p_, vmid), a)); break;
      case 7: if (p_.s2p) Cmd(CmdTlbiS2Ipa(vmid, a)); break;
      case 8: if (p_.s2p) Cmd(CmdTlbiS12Vmall(vmid)); break;
      case 9: if (p_.hyp) Cmd(Chance(50) ? CmdTlbiEl2Va(asid, a) : CmdTlbiEl2Vaa(a)); break;
      case 10: if (p_.hyp) Cmd(Chance(50) ? CmdTlbiEl2Asid(asid) : CmdTlbiEl2All()); break;
      default: if (p_.s1p) Cmd(CmdTlbiNhAll(Vmid(p_, vmid))); break;
    }
  }
  Sync();
}

}  // namespace smmuref::conform::gen
