// Context descriptors in generated programs: stage-1 address spaces (granule, TxSZ at every start
// level and at the range edges, TTB0 and TTB1 with EPDx, TBI, IPS, PAN, WXN, AFFD, HADx, fault
// configuration A/R, ASIDs shared, reused and 16-bit), CD tables (one CD, linear, 2-level with 4KB
// and 64KB leaves) with SubstreamIDs in every band, one deliberately ILLEGAL field at a time, and
// rewrites of live CDs and L1CDs [IHI0070 §5.2 S1Fmt/S1CDMax/S1DSS, §5.3, §5.4].
// Tests: tests/conform/gen_test.cc
#include <algorithm>

#include "gen.h"

namespace smmuref::conform::gen {

namespace {

// A TxSZ in the legal range: the edges, a start-level boundary, or anywhere [IHI0070 §5.4 T0SZ].
unsigned RandomTsz(Random& r, const spec::Profile& p, unsigned g, bool edges) {
  const unsigned max = p.stt ? (g == 16 ? 47 : 48) : 39;
  const unsigned stride = g - 3;
  if (edges && r.Chance(50)) {
    // IA = g + k*stride (+1) are the sizes where the start level changes.
    const unsigned k = 1 + static_cast<unsigned>(r.Below(4));
    const unsigned ia = g + k * stride + static_cast<unsigned>(r.Below(2));
    const unsigned tsz = 64 - std::min(ia, 48u);
    return std::clamp(tsz, 16u, max);
  }
  if (edges && r.Chance(40)) return r.Chance(50) ? 16 : max;
  return 16 + static_cast<unsigned>(r.Below(max - 16 + 1));
}

}  // namespace

int Generator::NewS1Ctx(uint16_t vmid, bool el2, int s2ctx) {
  S1Ctx c;
  c.vmid = vmid;
  c.el2 = el2;
  c.s2ctx = s2ctx;
  CdFields& f = c.cd;
  // The same ASID in another VMID is another address space [IHI0070 §3.17].
  std::vector<uint16_t> other_vmid;
  for (const S1Ctx& o : s1_) {
    if (!o.el2 && !el2 && o.vmid != vmid && p_.s2p) other_vmid.push_back(o.cd.asid);
  }
  if (!free_asids_.empty() && ChanceIn(Focus::kLifecycle, 50)) {
    f.asid = free_asids_.back();
    free_asids_.pop_back();
  } else if (!other_vmid.empty() && Chance(40)) {
    f.asid = Pick(other_vmid);
  } else {
    f.asid = static_cast<uint16_t>(p_.asid16 && Chance(20) ? 0x100 + next_asid_++
                                                           : next_asid_++ & 0xff);
  }
  static const unsigned kIps[] = {32, 36, 40, 42, 44, 48};
  const unsigned ips = ChanceIn(Focus::kWalk, 20) ? kIps[Below(6)] : 48;
  f.ips = PsEncoding(ips);
  const unsigned oa_bits = std::min(ips, p_.oas);
  const unsigned g0 = RandomGranule(r_, p_);
  f.tg0 = Tg0(g0);
  f.t0sz = RandomTsz(r_, p_, g0, ChanceIn(Focus::kWalk, 40));
  // A nested stage 1 must output IPAs its VM maps: keep its tables small enough for them.
  f.tbi0 = ChanceIn(Focus::kWalk, 15);
  f.pan = ChanceIn(Focus::kPerm, 15);
  f.wxn = ChanceIn(Focus::kPerm, 10);
  f.affd = ChanceIn(Focus::kPerm, 15);
  f.a = !Chance(10);
  f.r = !Chance(10);
  if (p_.had || ChanceIn(Focus::kPerm, 5)) {
    f.had0 = ChanceIn(Focus::kPerm, 10);
    f.had1 = ChanceIn(Focus::kPerm, 10);
  }
  f.epd0 = ChanceIn(Focus::kWalk, 3);
  f.epd1 = true;
  const unsigned ia0 = 64 - f.t0sz;
  const unsigned stride0 = g0 - 3;
  const int start0 = 4 - static_cast<int>((ia0 - g0 + stride0 - 1) / stride0);
  c.root0 = NewRoot(1, g0, ia0, start0, false);
  roots_[c.root0].oa_bits = oa_bits;
  roots_[c.root0].s2ctx = s2ctx;
  f.ttb0 = roots_[c.root0].base;
  if (!el2 || e2h_) {
    // TTB1 (the upper range) in EL1&0-type StreamWorlds.
    if (ChanceIn(Focus::kWalk, 25)) {
      const unsigned g1 = RandomGranule(r_, p_);
      f.tg1 = Tg1(g1);
      f.t1sz = RandomTsz(r_, p_, g1, true);
      f.epd1 = false;
      f.tbi1 = ChanceIn(Focus::kWalk, 15);
      const unsigned ia1 = 64 - f.t1sz;
      const int start1 = 4 - static_cast<int>((ia1 - g1 + g1 - 4) / (g1 - 3));
      c.root1 = NewRoot(1, g1, ia1, start1, true);
      roots_[c.root1].oa_bits = oa_bits;
      roots_[c.root1].s2ctx = s2ctx;
      f.ttb1 = roots_[c.root1].base;
    }
  }
  // Another address space's VAs, mapped elsewhere: a TLB that confuses ASIDs or VMIDs shows.
  int alike = -1;
  for (size_t i = 0; i < s1_.size() && alike < 0; ++i) {
    const Root& o = roots_[s1_[i].root0];
    if (o.g == g0 && o.ia <= ia0 && !o.leaves.empty() && Chance(50)) alike = s1_[i].root0;
  }
  s1_.push_back(c);
  const int idx = static_cast<int>(s1_.size()) - 1;
  if (alike >= 0) MapAlike(c.root0, alike, s2ctx);
  MapLeaves(c.root0, 2 + static_cast<int>(Below(4)), s2ctx);
  if (c.root1 >= 0) MapLeaves(c.root1, 1 + static_cast<int>(Below(3)), s2ctx);
  return idx;
}

// One deliberately ILLEGAL (or IGNORED) field [IHI0070 §5.4.2].
void Generator::BreakCd(CdFields& f) {
  switch (Below(12)) {
    case 0: f.v = false; break;                                      // R-CD-001
    case 1: f.s = true; break;                                       // R-CD-003
    case 2: f.a = false; break;                                      // R-CD-004 with TERM_MODEL
    case 3: f.endi = true; break;                                    // R-CD-005
    case 4: f.aa64 = false; break;                                   // R-CD-006
    case 5: f.ha = true; f.hd = Chance(50); break;                   // R-CD-008
    case 6: f.asid |= 0x100; break;                                  // R-CD-009 without ASID16
    case 7: f.t0sz = Chance(50) ? 8 + static_cast<unsigned>(Below(8)) : 49 + static_cast<unsigned>(Below(15)); break;
    case 8: f.tg0 = 3; break;                                        // R-CD-011
    case 9: f.ttb0 |= uint64_t{1} << (32 + Below(24)); break;        // R-CD-012
    case 10: f.epd0 = true; f.t0sz = 0; f.tg0 = 3; break;           // R-CD-013: IGNORED half
    default: f.ttb0 |= 8 << Below(4); break;                         // R-CD-025: low bits dropped
  }
}

void Generator::WriteCd(uint64_t pa, const CdFields& f) {
  uint64_t dw[8];
  f.Encode(dw);
  WriteStruct(pa, dw, 8);
}

// A CD table for `s` whose CD for SubstreamID 0 (or its only CD) is address space `ctx`; other
// SubstreamIDs get other address spaces over the same tables, invalid CDs or ILLEGAL ones.
int Generator::NewCdTable(const Stream& s, int ctx) {
  CdTable t;
  // One CD, a linear table, or a 2-level table with 4KB or 64KB leaves (S1Fmt 0b01/0b10).
  const unsigned kind = p_.ssidsize == 0 ? 0 : static_cast<unsigned>(Below(10));
  t.single = kind < (o_.focus == Focus::kCd ? 1u : 4u);
  if (!t.single) t.fmt = kind >= 7 && p_.cd2l ? 1 + static_cast<unsigned>(Below(2)) : 0;
  if (t.single) {
    t.base = Alloc(64, 64);
  } else if (t.fmt == 0) {
    t.cdmax = 1 + static_cast<unsigned>(Below(std::min(p_.ssidsize, 8u)));
    const uint64_t size = uint64_t{64} << t.cdmax;
    t.base = Alloc(size, size);
  } else {
    const unsigned leaf_bits = t.fmt == 1 ? 6 : 10;
    t.cdmax = 1 + static_cast<unsigned>(Below(p_.ssidsize));
    if (ChanceIn(Focus::kCd, 30)) t.cdmax = std::min(p_.ssidsize, leaf_bits + 1 + static_cast<unsigned>(Below(4)));
    const unsigned l1_bits = t.cdmax > leaf_bits ? t.cdmax - leaf_bits : 0;
    const uint64_t size = std::max<uint64_t>(uint64_t{8} << l1_bits, 64);
    t.base = Alloc(size, size);
  }
  const int s2ctx = s.s2ctx;
  // The SubstreamIDs given CDs: 0, the last one, and a few in between.
  std::vector<uint32_t> ssids{0};
  if (!t.single) {
    const uint32_t n = 1u << t.cdmax;
    ssids.push_back(n - 1);
    for (int i = 0; i < 3; ++i) ssids.push_back(static_cast<uint32_t>(Below(n)));
    std::sort(ssids.begin(), ssids.end());
    ssids.erase(std::unique(ssids.begin(), ssids.end()), ssids.end());
  }
  for (uint32_t ssid : ssids) {
    uint64_t pa = t.base + uint64_t{ssid} * 64;
    if (!t.single && t.fmt != 0) {
      const unsigned leaf_bits = t.fmt == 1 ? 6 : 10;
      const uint32_t l1 = ssid >> leaf_bits;
      if (!t.l2.count(l1)) {
        if (ssid != 0 && ChanceIn(Focus::kCd, 15)) continue;  // the L1CD stays invalid
        const uint64_t size = uint64_t{64} << leaf_bits;
        const uint64_t leaf = Alloc(size, size);
        t.l2[l1] = leaf;
        if (s2ctx >= 0) EnsureVmMapped(s2ctx, leaf, size);
        W(t.base + uint64_t{l1} * 8, L1Cd(leaf, true));
      }
      pa = t.l2[l1] + uint64_t{ssid & ((1u << leaf_bits) - 1)} * 64;
    }
    CdSlot slot;
    slot.ssid = ssid;
    slot.pa = pa;
    if (ssid == 0) {
      slot.ctx = ctx;
    } else if (Chance(15)) {
      slot.ctx = -1;  // never written: V=0
      t.slots.push_back(slot);
      continue;
    } else {
      // Another address space over the same tables, or the same one.
      slot.ctx = ctx;
      if (Chance(50)) {
        S1Ctx other = s1_[ctx];
        other.cd.asid = static_cast<uint16_t>(next_asid_++ & 0xff);
        s1_.push_back(other);
        slot.ctx = static_cast<int>(s1_.size()) - 1;
      }
    }
    CdFields f = s1_[slot.ctx].cd;
    if (ChanceIn(Focus::kCd, 8)) {
      BreakCd(f);
      slot.ctx = -1;
    }
    WriteCd(pa, f);
    t.slots.push_back(slot);
  }
  if (s2ctx >= 0) EnsureVmMapped(s2ctx, t.base, t.single ? 64 : (uint64_t{64} << std::min(t.cdmax, 10u)));
  cdtabs_.push_back(t);
  return static_cast<int>(cdtabs_.size()) - 1;
}

// The SubstreamID of a transaction on `s` (-1 for none) and the address space it selects (-1 when
// it reaches no valid CD). SubstreamIDs cover every band: with a CD, without one, past S1CDMax.
int64_t Generator::PickSsid(const Stream& s, int* ctx) {
  *ctx = -1;
  if (s.cdtab < 0) return Chance(5) ? static_cast<int64_t>(Below(4)) : -1;
  const CdTable& t = cdtabs_[s.cdtab];
  const SteFields& f = s.ste;
  auto slot_ctx = [&](uint32_t ssid) {
    for (const CdSlot& c : t.slots) if (c.ssid == ssid) return c.ctx;
    return -1;
  };
  if (t.single) {
    if (Chance(5)) return static_cast<int64_t>(Below(4));  // no substreams: C_BAD_SUBSTREAMID
    *ctx = slot_ctx(0);
    return -1;
  }
  const unsigned k = static_cast<unsigned>(Below(10));
  if (k < 6 && !t.slots.empty()) {
    const CdSlot& c = t.slots[Below(t.slots.size())];
    if (!(c.ssid == 0 && f.s1dss == 2)) *ctx = c.ctx;
    return c.ssid;
  }
  if (k < 7 && t.cdmax < 20) return static_cast<int64_t>(uint64_t{1} << t.cdmax);  // past S1CDMax
  if (k < 8) return static_cast<int64_t>(Below(std::min<uint64_t>(uint64_t{1} << t.cdmax, 1u << 20)));
  // No SubstreamID: S1DSS decides (0b10 uses CD[0]).
  if (f.s1dss == 2) *ctx = slot_ctx(0);
  return -1;
}

// A live CD changes: fault configuration (A, R), TBI, PAN, WXN, AFFD, EPD0, its ASID, a new
// TTB0 tree, or one field made ILLEGAL. Translation-relevant changes are made to every CD of
// the address space, and their TLB entries are always invalidated.
void Generator::RewriteCd() {
  std::vector<int> tabs;
  for (const Stream& s : streams_) if (s.live && s.cdtab >= 0) tabs.push_back(s.cdtab);
  if (tabs.empty()) return;
  const int tab = Pick(tabs);
  CdTable& t = cdtabs_[tab];
  if (t.slots.empty()) return;
  CdSlot& slot = t.slots[Below(t.slots.size())];
  for (const Stream& s : streams_) {
    if (s.cdtab == tab && Chance(60)) TxnStream(s, true);
  }
  Dirty d;
  d.what = Dirty::What::kCd;
  d.cdtab = tab;
  d.ssid = slot.ssid;
  CdFields f = slot.ctx >= 0 ? s1_[slot.ctx].cd : CdFields{};
  if (slot.ctx < 0) f.v = false;
  const unsigned k = static_cast<unsigned>(Below(8));
  if (slot.ctx >= 0 && k < 2) {
    // A and R: fault configuration only, no TLB entry depends on it.
    if (k == 0) f.a = !f.a;
    else f.r = !f.r;
    s1_[slot.ctx].cd = f;
  } else if (slot.ctx >= 0 && k < 5) {
    switch (k) {
      case 2: f.tbi0 = !f.tbi0; break;
      case 3: f.pan = !f.pan; f.wxn = Chance(30); break;
      default: f.affd = !f.affd; f.epd0 = ChanceIn(Focus::kWalk, 20); break;
    }
    s1_[slot.ctx].cd = f;
    d.context = true;
    d.ctx1.push_back(slot.ctx);
  } else if (slot.ctx >= 0 && k == 5) {
    // A new ASID for this CD alone: a new address space over the same tables.
    d.context = true;
    d.ctx1.push_back(slot.ctx);
    S1Ctx other = s1_[slot.ctx];
    other.cd.asid = static_cast<uint16_t>(next_asid_++ & 0xff);
    s1_.push_back(other);
    slot.ctx = static_cast<int>(s1_.size()) - 1;
    f = other.cd;
    d.ctx1.push_back(slot.ctx);
  } else {
    if (slot.ctx >= 0) d.ctx1.push_back(slot.ctx);
    BreakCd(f);
    slot.ctx = -1;
    d.context = true;
  }
  // Every CD of an address space holds the same contents.
  for (CdTable& other : cdtabs_) {
    for (CdSlot& c : other.slots) {
      if (&c == &slot || c.ctx < 0 || c.ctx != slot.ctx) continue;
      WriteCd(c.pa, s1_[c.ctx].cd);
    }
  }
  WriteCd(slot.pa, f);
  dirty_.push_back(d);
  ++improper_;
}

// A live L1CD changes: invalid, or its leaf table moved to a copy [IHI0070 §5.3].
void Generator::RewriteL1Cd() {
  std::vector<int> tabs;
  for (size_t i = 0; i < cdtabs_.size(); ++i) if (!cdtabs_[i].l2.empty()) tabs.push_back(static_cast<int>(i));
  if (tabs.empty()) return;
  const int tab = Pick(tabs);
  CdTable& t = cdtabs_[tab];
  auto it = t.l2.begin();
  std::advance(it, static_cast<long>(Below(t.l2.size())));
  const unsigned leaf_bits = t.fmt == 1 ? 6 : 10;
  const uint32_t l1 = it->first;
  for (const Stream& s : streams_) {
    if (s.cdtab == tab && Chance(60)) TxnStream(s, true);
  }
  const uint64_t old = it->second, size = uint64_t{64} << leaf_bits;
  if (Chance(40)) {
    W(t.base + uint64_t{l1} * 8, L1Cd(old, false));
  } else {
    const uint64_t leaf = Alloc(size, size);
    for (auto m = mem_.lower_bound(old); m != mem_.end() && m->first < old + size;) {
      const uint64_t off = m->first - old, v = m->second;
      ++m;
      W(leaf + off, v);
    }
    for (CdSlot& c : t.slots) {
      if (c.pa >= old && c.pa < old + size) c.pa = c.pa - old + leaf;
    }
    it->second = leaf;
    W(t.base + uint64_t{l1} * 8, L1Cd(leaf, true));
  }
  Dirty d;
  d.what = Dirty::What::kL1Cd;
  d.cdtab = tab;
  d.ssid = (l1 << leaf_bits) | static_cast<uint32_t>(Below(1u << leaf_bits));
  dirty_.push_back(d);
  ++improper_;
}

}  // namespace smmuref::conform::gen
