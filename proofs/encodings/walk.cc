// The model's walk arithmetic as Z3 terms (walk.h), after model/arch/walk.cc.
// Tests: proofs/cross/walk_test.cc
#include "walk.h"

#include "fields.h"
#include "perm.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace {

// LowMask(bits) as the model writes it: all ones from 64 bits on.
Bv LowMaskTerm(const Bv& bits) {
  return Select(bits >= Bv(64), ~Bv(0), (Bv(1) << bits) - Bv(1));
}

}  // namespace

Bv LevelShiftTerm(const Bv& g, const Bv& level) { return g + (Bv(3) - level) * (g - Bv(3)); }

Bv S1StartLevelTerm(const Bv& ia_bits, const Bv& g) {
  const Bv stride = g - Bv(3);
  return Bv(4) - (ia_bits - g + stride - Bv(1)) / stride;
}

StartTableTerm StartTable(const Bv& ttb, const Bv& level, const Bv& ia_bits, const Bv& g) {
  StartTableTerm t;
  t.index_bits = ia_bits - LevelShiftTerm(g, level);
  t.base = ttb & ~LowMaskTerm(t.index_bits + Bv(3));
  return t;
}

Bv DescriptorAddressTerm(const Bv& table, const Bv& ia, const Bv& g, const Bv& level,
                         const Bv& index_bits) {
  const Bv index = (ia >> LevelShiftTerm(g, level)) & LowMaskTerm(index_bits);
  return table + index * Bv(8);
}

Bool BlockAllowedTerm(const Bv& g, const Bv& level) {
  return Select(g == Bv(12), level == Bv(1) || level == Bv(2), level == Bv(2));
}

Bv DecodeDescriptorTerm(const Bv& desc, const Bv& level, const Bv& g) {
  const Bv w[1] = {desc};
  const Bool valid = FieldOf(w, spec::desc_s1::Valid) != Bv(0);
  const Bool table_or_page = FieldOf(w, spec::desc_s1::Type) != Bv(0);
  const Bv at3 = Select(table_or_page, Bv(kKindPage), Bv(kKindInvalid));
  const Bv below = Select(table_or_page, Bv(kKindTable),
                          Select(BlockAllowedTerm(g, level), Bv(kKindBlock), Bv(kKindInvalid)));
  return Select(valid, Select(level == Bv(3), at3, below), Bv(kKindInvalid));
}

Bv NextTableAddressTerm(const Bv& desc, const Bv& g) {
  const Bv w[1] = {desc};
  return AddrOf(w, spec::desc_s1::NLTA) & ~LowMaskTerm(g);
}

Bv OutputAddressTerm(const Bv& desc, const Bv& ia, const Bv& shift) {
  const Bv w[1] = {desc};
  const Bv base = AddrOf(w, spec::desc_s1::OA) & ~LowMaskTerm(shift);
  return base | (ia & LowMaskTerm(shift));
}

Bool AddressTooLargeTerm(const Bv& addr, const Bv& bits) { return (addr >> bits) != Bv(0); }

Bv SelectTtbTerm(const Bv& world, const Bv& va) {
  return Select(world == Bv(1), Bv(0), (va >> Bv(55)) & Bv(1));
}

Bool InputInRangeTerm(const Bv& world, const Bv& tsz, const Bv& tbi, const Bv& va) {
  const Bv ia = Bv(64) - tsz;
  const Bv top = Select(tbi != Bv(0), Bv(55), Bv(63));
  const Bool sign = world != Bv(1) && ((va >> Bv(55)) & Bv(1)) != Bv(0);
  const Bv upper = (va >> ia) & LowMaskTerm(top + Bv(1) - ia);
  return upper == Select(sign, LowMaskTerm(top + Bv(1) - ia), Bv(0));
}

WalkTerms WalkTerm(const WalkParams& w, const Bv& va, const Bv* desc, const Bv& write,
                   const Bv& instr, const Bv& priv) {
  WalkTerms r;
  const Bv g = w.granule_shift;
  const Bv ia = Bv(64) - w.tsz;
  const Bv start = w.stage2 ? w.start_level : S1StartLevelTerm(ia, g);
  const StartTableTerm t0 = StartTable(w.ttb, start, ia, g);
  Bv table = t0.base, index_bits = t0.index_bits, level = start;
  TableAttrTerms attrs{Bv(0), Bv(0), Bv(0), Bv(0)};
  const AccessTerms access{write, instr, priv};
  const Bool in_range = w.stage2 ? !AddressTooLargeTerm(va, ia)
                                 : InputInRangeTerm(w.world, w.tsz, w.tbi, va);
  Bool done = !in_range;
  r.reads = Bv(0);
  r.outcome = Bv(kWalkTranslation);
  r.level = start;
  r.out = Bv(0);
  const Bv kGoOn(99);
  for (int i = 0; i < 4; ++i) {
    const Bool live = !done && level <= Bv(3);
    r.read_addr[i] = DescriptorAddressTerm(table, va, g, level, index_bits);
    r.reads = Select(live, Bv(i + 1), r.reads);
    const Bv kind = DecodeDescriptorTerm(desc[i], level, g);
    const Bv next = NextTableAddressTerm(desc[i], g);
    const Bv out = OutputAddressTerm(desc[i], va, LevelShiftTerm(g, level));
    const Bool is_table = kind == Bv(kKindTable);
    const Bool leaf = kind == Bv(kKindBlock) || kind == Bv(kKindPage);
    const Bool perm = w.stage2 ? S2PermitsTerm(desc[i], access, w.xnx)
                               : S1PermitsTerm(desc[i], attrs, w.world, w.wxn, w.pan, access);
    // R-WALK-008 invalid; a table: R-WALK-011 then on; a leaf: R-WALK-011, R-PERM-010,
    // permissions.
    const Bv end =
        Select(kind == Bv(kKindInvalid), Bv(kWalkTranslation),
        Select(is_table, Select(AddressTooLargeTerm(next, w.oa_bits), Bv(kWalkAddrSize), kGoOn),
        Select(AddressTooLargeTerm(out, w.oa_bits), Bv(kWalkAddrSize),
        Select(AccessFlagFaultsTerm(desc[i], w.affd), Bv(kWalkAccess),
        Select(perm, Bv(kWalkOk), Bv(kWalkPermission))))));
    const Bool ends = end != kGoOn;
    r.outcome = Select(live && ends, end, r.outcome);
    r.level = Select(live, level, r.level);
    r.out = Select(live && leaf, out, r.out);
    if (!w.stage2) attrs = AccumulateTableAttrsTerm(desc[i], Select(live && is_table, w.had, Bv(1)), attrs);
    done = done || (live && ends);
    table = next;
    index_bits = g - Bv(3);
    level = level + Bv(1);
  }
  return r;
}

}  // namespace smmuref::proofs
