// The model's stream-table lookup and substream selection as Z3 terms (strtab.h).
// Tests: proofs/cross/strtab_test.cc
#include "strtab.h"

#include "fields.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace rf = spec::reg;

namespace {

Bv AlignDown(const Bv& a, const Bv& log2) {
  return Select(log2 >= Bv(64), Bv(0), a & ~((Bv(1) << log2) - Bv(1)));
}

// R-STRTAB-011: an address at or above the OAS, truncated to it (C-STRTAB-001's first
// alternative, the one a Fetcher without choice points takes; the same holds for C-STRTAB-002,
// whose first alternative ignores reserved L1STD bits).
Bv ToOas(const Bv& a, const ProfileTerms& p) {
  return Select(p.oas >= Bv(64), a, a & ((Bv(1) << p.oas) - Bv(1)));
}

}  // namespace

SteLocationTerms LocateSteTerm(const Bv& base_reg, const Bv& cfg_reg, const Bv& sid,
                               const Bv& l1std, const ProfileTerms& p) {
  SteLocationTerms r;
  const Bv b[1] = {base_reg}, c[1] = {cfg_reg}, l[1] = {l1std};
  const Bv base = FieldOf(b, rf::STRTAB_BASE_ADDR) << Bv(6);
  const Bv log2size = FieldOf(c, rf::STRTAB_BASE_CFG_LOG2SIZE);
  const Bv fmt = FieldOf(c, rf::STRTAB_BASE_CFG_FMT);
  const Bv split_raw = FieldOf(c, rf::STRTAB_BASE_CFG_SPLIT);
  // R-STRTAB-001
  const Bv eff = Select(log2size < p.sidsize, log2size, p.sidsize);
  const Bool sid_out = eff < Bv(32) && (sid >> eff) != Bv(0);
  // R-STRTAB-003
  r.two_level = !(p.st_level == Bv(0) || fmt != Bv(1));
  // R-STRTAB-004
  const Bv linear = AlignDown(base, log2size + Bv(6)) + sid * Bv(64);
  // R-STRTAB-005 / R-STRTAB-006
  const Bv split = Select(split_raw == Bv(6) || split_raw == Bv(8) || split_raw == Bv(10),
                          split_raw, Bv(6));
  const Bv l1_log2 = Select(log2size > split, log2size - split + Bv(3), Bv(3));
  const Bv l1_align = Select(l1_log2 > Bv(6), l1_log2, Bv(6));
  r.l1_addr = ToOas(AlignDown(base, l1_align) + (sid >> split) * Bv(8), p);
  // R-STRTAB-008 / R-STRTAB-009 / R-STRTAB-010
  const Bv span = FieldOf(l, spec::l1std::Span);
  const Bool span_bad = span == Bv(0) || span > Bv(11) || span > split + Bv(1);
  const Bv low = sid & ((Bv(1) << split) - Bv(1));
  const Bool beyond = (low >> (span - Bv(1))) != Bv(0);
  const Bv l2 = FieldOf(l, spec::l1std::L2Ptr) << Bv(6);
  const Bv two = AlignDown(l2, span - Bv(1) + Bv(6)) + low * Bv(64);
  r.bad_sid = sid_out || (r.two_level && (span_bad || beyond));
  r.ste_addr = ToOas(Select(r.two_level, two, linear), p);
  return r;
}

SubstreamTerms SelectCdTerm(const Bv& ssv, const Bv& ssid, const Bv& s1cdmax, const Bv& s1dss,
                            const ProfileTerms& p) {
  SubstreamTerms r;
  const Bool substreams = p.ssidsize != Bv(0) && s1cdmax != Bv(0);
  // R-TXN-010 / R-TXN-011
  const Bool bad = !substreams || (ssid >> s1cdmax) != Bv(0);
  const Bv with = Select(bad, Bv(kSelectBadSubstream),
                         Select(ssid == Bv(0) && s1dss == Bv(2), Bv(kSelectDisabled), Bv(kSelectCd)));
  // R-TXN-012
  const Bv without = Select(!substreams, Bv(kSelectCd),
                            Select(s1dss == Bv(1), Bv(kSelectBypass),
                                   Select(s1dss == Bv(2), Bv(kSelectCd), Bv(kSelectDisabled))));
  r.outcome = Select(ssv != Bv(0), with, without);
  r.index = Select(ssv != Bv(0), ssid, Bv(0));
  return r;
}

}  // namespace smmuref::proofs
