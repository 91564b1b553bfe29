// The model's permission checks as Z3 terms (perm.h), after model/arch/perm.cc.
// Tests: proofs/cross/perm_test.cc
#include "perm.h"

#include "fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace s1 = spec::desc_s1;
namespace s2 = spec::desc_s2;

namespace {

Bool IsSet(const Bv& v) { return v != Bv(0); }
Bv F(const Bv& desc, spec::Field f) {
  const Bv w[1] = {desc};
  return FieldOf(w, f);
}

}  // namespace

TableAttrTerms AccumulateTableAttrsTerm(const Bv& d, const Bv& had, const TableAttrTerms& a) {
  const Bool on = !IsSet(had);
  const Bv ap = F(d, s1::APTable);
  TableAttrTerms r;
  r.no_write = Select(on && IsSet(ap & Bv(2)), Bv(1), a.no_write);
  r.no_el0 = Select(on && IsSet(ap & Bv(1)), Bv(1), a.no_el0);
  r.uxn = Select(on && IsSet(F(d, s1::UXNTable)), Bv(1), a.uxn);
  r.pxn = Select(on && IsSet(F(d, s1::PXNTable)), Bv(1), a.pxn);
  return r;
}

Bool S1PermitsTerm(const Bv& leaf, const TableAttrTerms& t, const Bv& world, const Bv& wxn,
                   const Bv& pan, const AccessTerms& a) {
  const Bool instr = IsSet(a.instr), write = IsSet(a.write), priv = IsSet(a.priv);
  const Bv ap = F(leaf, s1::AP);
  const Bool leaf_ro = IsSet(ap & Bv(2)), leaf_el0 = IsSet(ap & Bv(1));
  const Bool uxn = IsSet(F(leaf, s1::UXN)), pxn = IsSet(F(leaf, s1::PXN));
  // CheckSinglePrivilege (NS-EL2).
  const Bool writable1 = !leaf_ro && !IsSet(t.no_write);
  const Bool single = Select(instr, !uxn && !IsSet(t.uxn) && !(IsSet(wxn) && writable1),
                             !(write && !writable1));
  // EL1&0-type regimes.
  const Bool ro = leaf_ro || IsSet(t.no_write);
  const Bool el0 = leaf_el0 && !IsSet(t.no_el0);
  const Bool pw = !ro, ur = el0, uw = el0 && !ro;
  const Bool exec_priv = !pxn && !IsSet(t.pxn) && !uw && !(IsSet(wxn) && pw);
  const Bool exec_user = !uxn && !IsSet(t.uxn) && !(IsSet(wxn) && uw);
  const Bool data_priv = !(IsSet(pan) && ur) && !(write && !pw);
  const Bool data_user = ur && !(write && !uw);
  const Bool el1 = Select(instr, Select(priv, exec_priv, exec_user), Select(priv, data_priv, data_user));
  return Select(world == Bv(1), single, el1);
}

Bool S2PermitsTerm(const Bv& leaf, const AccessTerms& a, const Bv& xnx) {
  const Bv xn = F(leaf, s2::XN);
  const Bool priv = IsSet(a.priv);
  const Bool exec_xnx = xn == Bv(0) || (xn == Bv(1) && !priv) || (xn == Bv(3) && priv);
  const Bool exec = Select(IsSet(xnx), exec_xnx, !IsSet(xn & Bv(2)));
  const Bv s2ap = F(leaf, s2::S2AP);
  const Bool data = Select(IsSet(a.write), IsSet(s2ap & Bv(2)), IsSet(s2ap & Bv(1)));
  return Select(IsSet(a.instr), exec, data);
}

Bool AccessFlagFaultsTerm(const Bv& leaf, const Bv& affd) {
  return F(leaf, s1::AF) == Bv(0) && !IsSet(affd);
}

Bool MergedPermitsTerm(const Bool& a, const Bool& b) { return a && b; }

}  // namespace smmuref::proofs
