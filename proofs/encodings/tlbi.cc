// The model's TLB invalidation scopes as Z3 terms (tlbi.h), after DecodeInvalidation
// (model/arch/cmdq.cc) and Covers (model/arch/cache.cc).
// Tests: proofs/cross/tlbi_test.cc
#include "tlbi.h"

#include "fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace cf = spec::cmd;
namespace op = spec::cmd::op;

namespace {

Bool IsSet(const Bv& v) { return v != Bv(0); }

Bv VmidTerm(const Bv* cmd, const ProfileTerms& p) {
  const Bv v = FieldOf(cmd, cf::VMID);
  return Select(IsSet(p.vmid16), v, v & Bv(0xff));
}

Bv AsidTerm(const Bv* cmd, const ProfileTerms& p) {
  const Bv a = FieldOf(cmd, cf::ASID);
  return Select(IsSet(p.asid16), a, a & Bv(0xff));
}

}  // namespace

TlbiAddressTerms DecodeTlbiAddressTerm(const Bv* cmd, const ProfileTerms& p, bool ipa) {
  TlbiAddressTerms t;
  t.addr = (ipa ? FieldOf(cmd, cf::IPAddr) : FieldOf(cmd, cf::Addr)) << Bv(12);
  t.leaf = FieldOf(cmd, cf::Leaf);
  const Bv tg = Select(IsSet(p.ril), FieldOf(cmd, cf::TG), Bv(0));
  const Bool ranged = tg != Bv(0);
  t.tg_shift = Select(ranged, Bv(10) + Bv(2) * tg, Bv(0));
  const Bv ttl = FieldOf(cmd, cf::TTL);
  t.ttl = Select(ranged, Select(tg == Bv(2) && ttl == Bv(1) && !IsSet(p.ds), Bv(0), ttl), Bv(0));
  const Bv num = FieldOf(cmd, cf::NUM), scale = FieldOf(cmd, cf::SCALE);
  t.length = Select(ranged, ((num + Bv(1)) << scale) << t.tg_shift, Bv(0));
  return t;
}

Bool AddressCoversTerm(const TlbiAddressTerms& inv, const EntryTerms& e, bool stage1) {
  // R-TLBI-004: Leaf=1 leaves walk-cache (table) entries.
  const Bool leaf_skip = IsSet(inv.leaf) && !IsSet(e.leaf);
  const Bv g = e.granule_shift;
  const Bv shift = g + (Bv(3) - e.level) * (g - Bv(3));
  const Bv mask = Select(shift >= Bv(64), ~Bv(0), (Bv(1) << shift) - Bv(1));
  // R-TLBI-005: a stage-1 entry is held for VA[55:0] with the top byte the sign of VA[55].
  const Bv low = e.va & Bv((uint64_t{1} << 56) - 1);
  const Bv entry = stage1 ? Select(IsSet((e.va >> Bv(55)) & Bv(1)), low | Bv(0xff00000000000000ull), low)
                          : e.va;
  const Bv base = entry & ~mask;
  // R-TLBI-005: one address: the entries translating it.
  const Bool single = (inv.addr & ~mask) == base;
  // R-TLBI-006: a range: entries of granule TG intersecting it; with TTL (C-CACHE-014) leaves of
  // level TTL and tables above it; a stage-1 range stays in its VA half (C-CACHE-013).
  const Bv end = inv.addr + inv.length - Bv(1);
  const Bv last = Select(end < inv.addr, ~Bv(0), end);
  const Bool ttl_skip = IsSet(inv.ttl) && IsSet(e.leaf) && inv.ttl != e.level;
  const Bool ttl_table_skip = IsSet(inv.ttl) && !IsSet(e.leaf) && e.level >= inv.ttl;
  const Bool half_skip = stage1 ? Bool(((inv.addr >> Bv(55)) & Bv(1)) != ((base >> Bv(55)) & Bv(1)))
                                : Bool(false);
  const Bool range = inv.tg_shift == g && !ttl_skip && !ttl_table_skip && !half_skip &&
                     inv.addr <= base + mask && base <= last;
  return !leaf_skip && Select(inv.length == Bv(0), single, range);
}

// Whether the operands guarantee the scope (DecodeInvalidation's Guaranteed, with CR2.E2H
// `e2h` when consumed): C-CACHE-008..012, C-CACHE-016.
Bool GuaranteedTerm(uint8_t o, const Bv* cmd, const ProfileTerms& p, int e2h) {
  const bool uses_vmid = o == op::CMD_TLBI_NH_ALL || o == op::CMD_TLBI_NH_ASID ||
                         o == op::CMD_TLBI_NH_VA || o == op::CMD_TLBI_NH_VAA ||
                         o == op::CMD_TLBI_S12_VMALL || o == op::CMD_TLBI_S2_IPA;
  // EL2_VA names an ASID only in the EL2-E2H StreamWorld.
  const bool uses_asid = o == op::CMD_TLBI_NH_ASID || o == op::CMD_TLBI_NH_VA ||
                         o == op::CMD_TLBI_EL2_ASID || (o == op::CMD_TLBI_EL2_VA && e2h == 1);
  // C-CACHE-016: EL2_VA, EL2_VAA and EL2_ASID consumed while CR2.E2H is UNKNOWN guarantee
  // nothing.
  if (e2h < 0 && (o == op::CMD_TLBI_EL2_VA || o == op::CMD_TLBI_EL2_VAA ||
                  o == op::CMD_TLBI_EL2_ASID)) {
    return false;
  }
  const bool by_va = o == op::CMD_TLBI_NH_VA || o == op::CMD_TLBI_NH_VAA ||
                     o == op::CMD_TLBI_EL2_VA || o == op::CMD_TLBI_EL2_VAA;
  const Bv vmid = FieldOf(cmd, cf::VMID), asid = FieldOf(cmd, cf::ASID);
  Bool ok = true;
  if (uses_vmid) {
    ok = ok && !(!IsSet(p.s2p) && vmid != Bv(0));
    ok = ok && !(IsSet(p.s2p) && !IsSet(p.vmid16) && (vmid >> Bv(8)) != Bv(0));
  }
  if (uses_asid) ok = ok && !(!IsSet(p.asid16) && (asid >> Bv(8)) != Bv(0));
  if (by_va) {
    const Bv top = (FieldOf(cmd, cf::Addr) << Bv(12)) >> Bv(47);
    ok = ok && (top == Bv(0) || top == Bv(~uint64_t{0} >> 47));
  }
  if (o == op::CMD_TLBI_S2_IPA) {
    const Bv a32 = Select(IsSet(p.ttf & Bv(1)), Bv(40), Bv(0));
    const Bv a64 = Select(IsSet(p.ttf & Bv(2)), p.oas, Bv(0));
    const Bv ias = Select(a32 > a64, a32, a64);
    ok = ok && ((FieldOf(cmd, cf::IPAddr) << Bv(12)) >> ias) == Bv(0);
  }
  if (by_va || o == op::CMD_TLBI_S2_IPA) {
    // C-CACHE-012: a range Address misaligned for its TG and TTL.
    const TlbiAddressTerms t = DecodeTlbiAddressTerm(cmd, p, o == op::CMD_TLBI_S2_IPA);
    auto low_clear = [&](unsigned bits) { return (t.addr & Bv((uint64_t{1} << bits) - 1)) == Bv(0); };
    static const unsigned kAlign[3][4] = {{0, 30, 21, 0}, {14, 0, 25, 14}, {16, 42, 29, 16}};
    Bool aligned = true;
    for (unsigned gi = 0; gi < 3; ++gi) {
      for (unsigned ttl = 1; ttl < 4; ++ttl) {
        const unsigned bits = kAlign[gi][ttl];
        if (bits <= 12) continue;
        aligned = aligned && !(t.tg_shift == Bv(12 + 2 * gi) && t.ttl == Bv(ttl) && !low_clear(bits));
      }
    }
    aligned = aligned && !(t.length != Bv(0) && t.ttl == Bv(0) && t.tg_shift == Bv(14) && !low_clear(14));
    aligned = aligned && !(t.length != Bv(0) && t.ttl == Bv(0) && t.tg_shift == Bv(16) && !low_clear(16));
    ok = ok && aligned;
  }
  return ok;
}

Bool TlbiCoversTerm(uint8_t o, const Bv* cmd, const ProfileTerms& p, bool stage2,
                    const EntryTerms& e, int cr2_e2h, const Bv& e2h_world) {
  const Bool global = IsSet(e.global);
  // R-TLBI-007: with S2P=0 a zero VMID operand matches every entry (a non-zero one guarantees
  // nothing, GuaranteedTerm).
  const Bool vmid = !IsSet(p.s2p) || VmidTerm(cmd, p) == e.vmid;
  const Bool asid = AsidTerm(cmd, p) == e.asid;
  const bool by_va = o == op::CMD_TLBI_NH_VA || o == op::CMD_TLBI_NH_VAA ||
                     o == op::CMD_TLBI_EL2_VA || o == op::CMD_TLBI_EL2_VAA;
  const Bool va =
      by_va ? AddressCoversTerm(DecodeTlbiAddressTerm(cmd, p, false), e, true) : Bool(false);
  const Bool guaranteed = GuaranteedTerm(o, cmd, p, cr2_e2h);
  if (stage2) {
    switch (o) {
      // R-TLBI-010 / R-TLBI-009
      case op::CMD_TLBI_S2_IPA:
        return guaranteed && vmid && AddressCoversTerm(DecodeTlbiAddressTerm(cmd, p, true), e, false);
      case op::CMD_TLBI_S12_VMALL: return guaranteed && vmid;
      case op::CMD_TLBI_NSNH_ALL: return true;
      default: return false;
    }
  }
  // R-TLBI-008: EL2 StreamWorld entries only by TLBI_EL2_*. C-CACHE-016: EL2_VA and EL2_VAA
  // reach the EL2 StreamWorld that CR2.E2H selected when they were consumed; EL2_ASID only
  // NS-EL2-E2H entries (NS-EL2 entries have no ASID); EL2_VA matches the ASID only in
  // NS-EL2-E2H, where global entries match any.
  const Bool e2h = IsSet(e2h_world);
  const Bool in_scope = cr2_e2h == 1 ? e2h : !e2h;
  Bool el2 = false;
  switch (o) {
    case op::CMD_TLBI_EL2_ALL: el2 = true; break;
    case op::CMD_TLBI_EL2_ASID: el2 = e2h && !global && asid; break;
    case op::CMD_TLBI_EL2_VA: el2 = in_scope && (!e2h || global || asid) && va; break;
    case op::CMD_TLBI_EL2_VAA: el2 = in_scope && va; break;
    default: break;
  }
  Bool nh = false;
  switch (o) {
    case op::CMD_TLBI_NH_ALL: nh = vmid; break;                         // R-TLBI-001
    case op::CMD_TLBI_NH_ASID: nh = vmid && !global && asid; break;     // R-TLBI-002
    case op::CMD_TLBI_NH_VA: nh = vmid && (global || asid) && va; break;  // R-TLBI-003
    case op::CMD_TLBI_NH_VAA: nh = vmid && va; break;
    case op::CMD_TLBI_S12_VMALL: nh = vmid; break;                      // R-TLBI-009
    case op::CMD_TLBI_NSNH_ALL: nh = true; break;
    default: break;
  }
  return guaranteed && Select(IsSet(e.el2), el2, nh);
}

}  // namespace smmuref::proofs
