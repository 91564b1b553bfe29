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

Bool AddressCoversTerm(const TlbiAddressTerms& inv, const EntryTerms& e) {
  // R-TLBI-004: Leaf=1 leaves walk-cache (table) entries.
  const Bool leaf_skip = IsSet(inv.leaf) && !IsSet(e.leaf);
  const Bv g = e.granule_shift;
  const Bv shift = g + (Bv(3) - e.level) * (g - Bv(3));
  const Bv mask = Select(shift >= Bv(64), ~Bv(0), (Bv(1) << shift) - Bv(1));
  const Bv base = e.va & ~mask;
  // R-TLBI-005: one address: the entries translating it.
  const Bool single = (inv.addr & ~mask) == base;
  // R-TLBI-006: a range: entries of granule TG (of level TTL when a leaf) intersecting it.
  const Bv end = inv.addr + inv.length - Bv(1);
  const Bv last = Select(end < inv.addr, ~Bv(0), end);
  const Bool ttl_skip = IsSet(inv.ttl) && IsSet(e.leaf) && inv.ttl != e.level;
  const Bool range = inv.tg_shift == g && !ttl_skip && inv.addr <= base + mask && base <= last;
  return !leaf_skip && Select(inv.length == Bv(0), single, range);
}

Bool TlbiCoversTerm(uint8_t o, const Bv* cmd, const ProfileTerms& p, bool stage2,
                    const EntryTerms& e) {
  const Bool global = IsSet(e.global);
  // R-TLBI-007: with S2P=0 the VMID operand matches every entry.
  const Bool vmid = !IsSet(p.s2p) || VmidTerm(cmd, p) == e.vmid;
  const Bool asid = AsidTerm(cmd, p) == e.asid;
  const bool by_va = o == op::CMD_TLBI_NH_VA || o == op::CMD_TLBI_NH_VAA ||
                     o == op::CMD_TLBI_EL2_VA || o == op::CMD_TLBI_EL2_VAA;
  const Bool va = by_va ? AddressCoversTerm(DecodeTlbiAddressTerm(cmd, p, false), e) : Bool(false);
  if (stage2) {
    switch (o) {
      // R-TLBI-010 / R-TLBI-009
      case op::CMD_TLBI_S2_IPA:
        return vmid && AddressCoversTerm(DecodeTlbiAddressTerm(cmd, p, true), e);
      case op::CMD_TLBI_S12_VMALL: return vmid;
      case op::CMD_TLBI_NSNH_ALL: return true;
      default: return false;
    }
  }
  // R-TLBI-008: EL2 StreamWorld entries only by TLBI_EL2_*.
  Bool el2 = false;
  switch (o) {
    case op::CMD_TLBI_EL2_ALL: el2 = true; break;
    case op::CMD_TLBI_EL2_ASID: el2 = !global && asid; break;
    case op::CMD_TLBI_EL2_VA: el2 = (global || asid) && va; break;
    case op::CMD_TLBI_EL2_VAA: el2 = va; break;
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
  return Select(IsSet(e.el2), el2, nh);
}

}  // namespace smmuref::proofs
