// Stream table entries in generated programs: every Config (abort and its reserved encodings,
// bypass, stage 1, stage 2, nested) and V=0; stage-1 StreamWorlds NS-EL1, NS-EL2 and EL2-E2H
// (STRW); stage-2 configurations at every granule, S2T0SZ edge and S2SL0 (with concatenated start
// tables); attribute overrides; one deliberately ILLEGAL field at a time; rewrites of live STEs;
// teardown and StreamID/VMID reuse [IHI0070 §5.2, §5.2.1, §5.2.2].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"

namespace smmuref::conform::gen {

namespace {

// The stage-2 start level S2SL0 names for a granule, or -1 when reserved [IHI0070 §5.2 S2SL0].
int S2StartLevel(unsigned g, unsigned sl0, const spec::Profile& p) {
  if (g == 12) {
    static const int kLevel[4] = {2, 1, 0, 3};
    if (sl0 == 3 && !p.stt) return -1;
    if (sl0 == 2 && p.oas < 44) return -1;
    return kLevel[sl0 & 3];
  }
  if (sl0 == 3) return -1;
  const int level = 3 - static_cast<int>(sl0);
  if (level == 1 && p.oas < (g == 14 ? 42u : 44u)) return -1;
  return level;
}

}  // namespace

// A stage-2 address space. `vm`: the IPA space of a nested guest, mapping the structure region
// and the output window by identity (blocks or pages); else random IPA leaves.
int Generator::NewS2Ctx(bool vm) {
  const unsigned g = RandomGranule(r_, p_);
  const unsigned ias = p_.ias();
  const unsigned max_t0sz = p_.stt ? (g == 16 ? 47 : 48) : 39;
  const unsigned min_t0sz = std::max(64 - ias, g == 16 ? 12u : 16u);
  // A VM needs 2^31 of IPA for the output window; edges of the range are favoured.
  const unsigned hi = vm ? std::min(max_t0sz, 33u) : max_t0sz;
  unsigned t0sz = min_t0sz + static_cast<unsigned>(Below(hi - min_t0sz + 1));
  if (ChanceIn(Focus::kStage2, 30)) t0sz = Chance(50) ? min_t0sz : hi;
  const unsigned ia = 64 - t0sz;
  std::vector<std::pair<unsigned, int>> valid;  // S2SL0, level
  for (unsigned sl0 = 0; sl0 < 4; ++sl0) {
    const int level = S2StartLevel(g, sl0, p_);
    if (level < 0) continue;
    const int resolved = static_cast<int>(ia) - static_cast<int>(LevelShift(g, level));
    if (resolved >= 1 && resolved <= static_cast<int>(g) - 3 + 4) valid.emplace_back(sl0, level);
  }
  S2Ctx c;
  c.vm = vm;
  if (!free_vmids_.empty() && ChanceIn(Focus::kLifecycle, 50)) {
    c.vmid = free_vmids_.back();
    free_vmids_.pop_back();
  } else {
    c.vmid = static_cast<uint16_t>(p_.vmid16 && Chance(20) ? 0x100 + next_vmid_++
                                                           : next_vmid_++ & 0xff);
  }
  SteFields& f = c.s2;
  f.s2vmid = c.vmid;
  f.s2t0sz = t0sz;
  f.s2tg = S2Tg(g);
  static const unsigned kPs[] = {32, 36, 40, 42, 44, 48};
  const unsigned ps = ChanceIn(Focus::kWalk, 15) ? kPs[Below(6)] : 48;
  f.s2ps = PsEncoding(ps);
  f.s2affd = ChanceIn(Focus::kPerm, 15);
  f.s2ptw = ChanceIn(Focus::kNested, 10);
  f.s2r = !Chance(10);
  int level = 1;
  if (valid.empty()) {
    f.s2sl0 = 3;  // no consistent start level: the STE is ILLEGAL (R-STE-020)
  } else {
    const auto [sl0, l] = valid[Below(valid.size())];
    f.s2sl0 = sl0;
    level = l;
  }
  c.root = NewRoot(2, g, ia, level, false);
  roots_[c.root].oa_bits = std::min(ps, p_.oas);
  f.s2ttb = roots_[c.root].base;
  const int limit = g == 12 ? (level <= 1 ? 1 : 2) : 2;
  c.vm_level = Chance(30) || level > limit ? 3 : std::max(level, limit);
  s2_.push_back(c);
  const int idx = static_cast<int>(s2_.size()) - 1;
  // A VM maps its guest's structures as they are made (DescAddress, NewCdTable).
  if (!vm) MapLeaves(c.root, 2 + static_cast<int>(Below(4)), -1);
  return idx;
}

// One deliberately ILLEGAL (or reserved) field [IHI0070 §5.2.2], so that the STE check is
// exercised field by field.
void Generator::BreakSte(SteFields& f) {
  const bool s1 = f.config == kCfgS1 || f.config == kCfgNested;
  const bool s2 = f.config == kCfgS2 || f.config == kCfgNested;
  switch (Below(15)) {
    case 0: if (s1) f.s1stalld = true; break;                              // R-STE-008
    case 1: if (s1) f.s1cdmax = p_.ssidsize + 1 + static_cast<unsigned>(Below(3)); break;  // 009
    case 2: if (s1) { f.s1fmt = 1 + static_cast<unsigned>(Below(3)); f.s1cdmax = 7; } break;
    case 3: if (s1) f.s1_context_ptr |= uint64_t{1} << (p_.oas + Below(56 - p_.oas)); break;  // 011
    case 4: if (s2) f.s2s = true; break;                                   // R-STE-014
    case 5: if (s2) f.s2aa64 = false; break;                               // R-STE-015
    case 6: if (s2) { f.s2ha = true; f.s2hd = Chance(50); } break;         // R-STE-016
    case 7: if (s2) f.s2tg = 3; break;                                     // R-STE-017
    case 8: if (s2) f.s2ttb |= uint64_t{1} << (40 + Below(8)); break;      // R-STE-018
    case 9: if (s2) f.s2t0sz = Chance(50) ? 10 + static_cast<unsigned>(Below(5)) : 49 + static_cast<unsigned>(Below(10)); break;
    case 10: if (s2) f.s2sl0 = 3; break;                                   // R-STE-020
    case 11: if (s2) f.s2endi = true; break;                               // R-STE-021
    case 12: f.strw = 1 + 2 * static_cast<unsigned>(Below(2)); break;      // R-STE-006
    case 13:  // R-STE-003 / R-STE-004: a stage the profile does not implement
      if (!p_.s1p || !p_.s2p) f.config |= p_.s1p ? 2 : 1;
      break;
    default: if (!p_.vmid16) f.s2vmid |= 0x100; else f.config = static_cast<unsigned>(1 + Below(3)); break;
  }
}

void Generator::WriteSte(Stream& s) {
  uint64_t dw[8];
  s.ste.Encode(dw);
  // A hitless update writes the other doublewords before the one holding V and Config.
  WriteStruct(s.ste_pa, dw, 8);
}

void Generator::NewStream() {
  auto sid = FreeSid();
  if (!sid) return;
  Stream s;
  s.sid = *sid;
  s.ste_pa = *SteAddress(*sid);
  SteFields& f = s.ste;
  std::vector<unsigned> kinds{kCfgBypass, kCfgAbort};
  if (p_.s1p) kinds.insert(kinds.end(), {kCfgS1, kCfgS1, kCfgS1, kCfgS1});
  if (p_.s2p) kinds.insert(kinds.end(), {kCfgS2, kCfgS2});
  if (p_.s1p && p_.s2p) kinds.insert(kinds.end(), {kCfgNested, kCfgNested, kCfgNested});
  if (o_.focus == Focus::kNested && p_.s1p && p_.s2p) kinds.assign(4, kCfgNested);
  if (o_.focus == Focus::kEl2 && p_.s1p) kinds.assign(4, kCfgS1);
  f.config = Pick(kinds);
  f.v = !ChanceIn(Focus::kSte, 5);
  if (f.config == kCfgAbort && Chance(40)) f.config = 1 + static_cast<unsigned>(Below(3));  // reserved
  if (p_.attr_perms_ovr || ChanceIn(Focus::kPerm, 5)) {
    if (ChanceIn(Focus::kPerm, 30)) {
      f.privcfg = static_cast<unsigned>(Below(4));
      f.instcfg = static_cast<unsigned>(Below(4));
    }
  }
  const bool s1 = f.config == kCfgS1 || f.config == kCfgNested;
  const bool s2 = f.config == kCfgS2 || f.config == kCfgNested;
  if (s2) {
    // Streams of one VM share its VMID and every stage-2 field.
    std::vector<int> same;
    for (size_t i = 0; i < s2_.size(); ++i) {
      if (!s2_[i].dead && s2_[i].vm == (f.config == kCfgNested)) same.push_back(static_cast<int>(i));
    }
    s.s2ctx = !same.empty() && Chance(35) ? Pick(same) : NewS2Ctx(f.config == kCfgNested);
    const SteFields& t = s2_[s.s2ctx].s2;
    f.s2vmid = t.s2vmid;
    f.s2t0sz = t.s2t0sz;
    f.s2sl0 = t.s2sl0;
    f.s2tg = t.s2tg;
    f.s2ps = t.s2ps;
    f.s2affd = t.s2affd;
    f.s2ptw = t.s2ptw;
    f.s2r = t.s2r;
    f.s2ttb = t.s2ttb;
  }
  if (s1) {
    // NS-EL2 / EL2-E2H: stage 1 only, with IDR0.HYP (R-STE-006, R-STE-007).
    const bool el2 = f.config == kCfgS1 && p_.hyp && ChanceIn(Focus::kEl2, 15);
    if (el2) f.strw = 2;
    uint16_t vmid = 0;
    if (s.s2ctx >= 0) vmid = s2_[s.s2ctx].vmid;
    else if (!el2 && p_.s2p) vmid = static_cast<uint16_t>(Chance(50) ? 1 : next_vmid_++);
    if (!el2 && p_.s2p && s.s2ctx < 0) f.s2vmid = vmid;
    // Share an address space (same CD contents) with another stream, or make a new one.
    int ctx = -1;
    for (size_t i = 0; i < s1_.size() && ctx < 0; ++i) {
      if (!s1_[i].dead && s1_[i].el2 == el2 && s1_[i].vmid == vmid && s1_[i].s2ctx == s.s2ctx &&
          Chance(30)) {
        ctx = static_cast<int>(i);
      }
    }
    // Or the same tables and ASID under another VMID: a TLB that confuses VMIDs shows once one
    // VMID's entries are invalidated and the other's are not.
    for (size_t i = 0; i < s1_.size() && ctx < 0 && !el2 && s.s2ctx < 0 && p_.s2p; ++i) {
      if (!s1_[i].dead && !s1_[i].el2 && s1_[i].s2ctx < 0 && s1_[i].vmid != vmid && Chance(20)) {
        S1Ctx other = s1_[i];
        other.vmid = vmid;
        s1_.push_back(other);
        ctx = static_cast<int>(s1_.size()) - 1;
      }
    }
    if (ctx < 0) ctx = NewS1Ctx(vmid, el2, s.s2ctx);
    // Sometimes the CD table of another stream of the same address space (R-CFGI-004).
    for (const Stream& o : streams_) {
      if (o.live && o.cdtab >= 0 && o.s2ctx == s.s2ctx && o.ste.strw == f.strw && Chance(10)) {
        s.cdtab = o.cdtab;
        f.s1fmt = o.ste.s1fmt;
        f.s1cdmax = o.ste.s1cdmax;
        f.s1dss = o.ste.s1dss;
        f.s1_context_ptr = o.ste.s1_context_ptr;
        break;
      }
    }
    if (s.cdtab < 0) {
      s.cdtab = NewCdTable(s, ctx);
      const CdTable& t = cdtabs_[s.cdtab];
      f.s1fmt = t.single ? 0 : t.fmt;
      f.s1cdmax = t.single ? 0 : t.cdmax;
      f.s1dss = static_cast<unsigned>(Below(ChanceIn(Focus::kCd, 10) ? 4 : 3));
      f.s1_context_ptr = t.base;
      // Fields IGNORED with one CD, and context pointer bits below the table alignment.
      if (t.single && ChanceIn(Focus::kSte, 10)) {
        f.s1fmt = static_cast<unsigned>(Below(4));
        f.s1dss = static_cast<unsigned>(Below(4));
        if (p_.ssidsize == 0) f.s1cdmax = 1 + static_cast<unsigned>(Below(4));
      }
      if (!t.single && t.fmt == 0 && ChanceIn(Focus::kCd, 10)) f.s1_context_ptr |= 64;
    }
  }
  if (ChanceIn(Focus::kSte, 10)) BreakSte(f);
  WriteSte(s);
  streams_.push_back(s);
  if (enabled_) {
    Dirty d;
    d.what = Dirty::What::kSte;
    d.sid = s.sid;
    dirty_.push_back(d);
  }
}

// A live STE changes: V, Config, S1DSS, STRW, PRIVCFG/INSTCFG, or one field made ILLEGAL.
void Generator::RewriteSte() {
  if (streams_.empty()) return;
  Stream& s = streams_[Below(streams_.size())];
  TxnStream(s, true);
  SteFields& f = s.ste;
  Dirty d;
  d.what = Dirty::What::kSte;
  d.sid = s.sid;
  switch (Below(6)) {
    case 0: f.v = !f.v; break;
    case 1:
      if (f.s1cdmax == 0) return;
      f.s1dss = static_cast<unsigned>(Below(4));  // 0b11 reserved: behaves as 0b00
      break;
    case 2:
      // Between bypass and abort, or translation and bypass (same tables stay in place).
      if (f.config == kCfgBypass || f.config == kCfgAbort) f.config = f.config == kCfgBypass ? kCfgAbort : kCfgBypass;
      else f.config = Chance(50) ? kCfgBypass : kCfgAbort;
      d.context = true;
      break;
    case 3:
      f.privcfg = static_cast<unsigned>(Below(4));
      f.instcfg = static_cast<unsigned>(Below(4));
      break;
    case 4:
      // Fields the configuration IGNORES never make the STE ILLEGAL (R-STE-026).
      if (f.config == kCfgNested) return;
      if (f.config != kCfgS1 && f.config != kCfgS2) f.s1cdmax = static_cast<unsigned>(Below(32));
      if (f.config != kCfgS2) f.s2tg = 3;
      if (f.config != kCfgS1) f.strw = 1;
      break;
    default:
      BreakSte(f);
      d.context = true;
      break;
  }
  WriteSte(s);
  dirty_.push_back(d);
  ++improper_;
}

// A stream is torn down as a driver does (STE V=0, CFGI_STE, TLBIs of its address spaces); its
// StreamID, and the ASIDs and VMID no other stream uses, are reused later by new streams with
// new tables [IHI0070 §3.21, §4.3.1].
void Generator::Teardown() {
  std::vector<size_t> live;
  for (size_t i = 0; i < streams_.size(); ++i) if (streams_[i].live) live.push_back(i);
  if (live.empty()) return;
  const size_t idx = Pick(live);
  TxnStream(streams_[idx], true);
  streams_[idx].ste.v = false;
  WriteSte(streams_[idx]);
  Cmd(CmdCfgiSte(streams_[idx].sid, Chance(50)));
  Sync();
  Dirty d;
  d.what = Dirty::What::kSte;
  d.sid = streams_[idx].sid;
  d.context = true;
  InvalidateContexts(d);
  Sync();
  TxnStream(streams_[idx], true);
  streams_[idx].live = false;
  RetireUnused();
  if (ChanceIn(Focus::kLifecycle, 50)) NewStream();
}

// Address spaces no live stream reaches any more give their ASID and VMID back.
void Generator::RetireUnused() {
  std::vector<bool> used1(s1_.size()), used2(s2_.size());
  for (const Stream& s : streams_) {
    if (!s.live) continue;
    if (s.s2ctx >= 0) used2[s.s2ctx] = true;
    if (s.cdtab < 0) continue;
    for (const CdSlot& c : cdtabs_[s.cdtab].slots) {
      if (c.ctx >= 0) used1[c.ctx] = true;
    }
  }
  for (size_t i = 0; i < s1_.size(); ++i) {
    if (used1[i] || s1_[i].dead) continue;
    s1_[i].dead = true;
    free_asids_.push_back(s1_[i].cd.asid);
  }
  for (size_t i = 0; i < s2_.size(); ++i) {
    if (used2[i] || s2_[i].dead) continue;
    s2_[i].dead = true;
    free_vmids_.push_back(s2_[i].vmid);
  }
}

}  // namespace smmuref::conform::gen
