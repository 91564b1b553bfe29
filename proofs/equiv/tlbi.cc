// Proofs that the engine's TLB invalidation and lookup kernels (kernels.h: TlbiScope,
// TlbiAddressRange, RangesOverlap, ScopeTagMatches, TlbTagMatches), composed as tlb.h/tlb.cc
// compose them, never keep an entry the model requires gone: for every TLBI command (both
// doublewords free), every cached entry (regime, VMID, ASID, global, its page or table and
// level in each granule) and every lookup that entry would serve, if the model's Covers says the
// command covers that lookup's translation (proofs/encodings/tlbi.cc), the engine's scope
// removes the entry, with the command consumed under CR2.E2H=0 and (EL2 forms, ids ending in
// /e2h) CR2.E2H=1. The engine may invalidate
// more (allowed), so this is a refinement, not an equality. Nested (combined stage 1+2) entries
// are not covered here. Wrong variants: mutant 1
// (NH_VA/NH_ASID read the ASID a byte low), mutant 2 (range one page short) and mutant 12
// (lookups ignore the ASID), each written as a vector that fails on that mutant.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/fields.h"
#include "proofs/encodings/tlbi.h"
#include "proofs/equiv/registry.h"
#include "proofs/equiv/scene.h"
#include "proofs/equiv/vectors.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/spec/format.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace ia = impl::arch;
namespace op = spec::cmd::op;

namespace {

// kEl2OnlyNsEl2: the EL2 forms reach NS-EL2 entries only (the NS-EL2-E2H world forgotten),
// which a proof that took every command as consumed with CR2.E2H=0 could not see.
enum class Variant { kRight, kMutant1, kMutant2, kMutant12, kEl2OnlyNsEl2 };

struct Entry {
  Bv regime = Bv::Var("entry.regime"), vmid = Bv::Var("entry.vmid"), asid = Bv::Var("entry.asid");
  Bv va = Bv::Var("entry.va"), level = Bv::Var("entry.level");
  Bv g = Bv::Var("entry.granule_shift"), leaf = Bv::Var("entry.leaf"), ng = Bv::Var("entry.nG");
  Bv lookup_vmid = Bv::Var("lookup.vmid"), lookup_asid = Bv::Var("lookup.asid");
  Bv lookup_va = Bv::Var("lookup.va");
};

// `e2h`: CR2.E2H when the command is consumed (0 or 1). Only the EL2 forms depend on it; the
// engine's scope never does, so each value is its own proof of the same engine code.
ProofResult Invalidation(const std::string& id, uint8_t opcode, const std::string& profile,
                         Variant v, int e2h, const ProveOptions& o) {
  const spec::Profile prof = *spec::LoadProfile(profile);
  const ProfileTerms p = ConstantProfile(prof);
  const std::vector<Bv> cmd = Words("cmd", 2);
  const Entry e;
  // The engine: scope of the command, then InScope (tlb.cc) for the entry's range.
  ia::TlbiScopeWords<Bv> s = ia::TlbiScope<Bv>(opcode, cmd[0], cmd[1], p.s2p, p.vmid16, p.asid16, p.ril);
  if (v == Variant::kMutant1 && (opcode == op::CMD_TLBI_NH_VA || opcode == op::CMD_TLBI_NH_ASID)) {
    s.asid = (cmd[0] >> Bv(40)) & Bv(0xffff);
  }
  if (v == Variant::kEl2OnlyNsEl2 &&
      (opcode == op::CMD_TLBI_EL2_ALL || opcode == op::CMD_TLBI_EL2_ASID ||
       opcode == op::CMD_TLBI_EL2_VA || opcode == op::CMD_TLBI_EL2_VAA)) {
    s.regimes = Bv(ia::RegimeMask(ia::kRegimeS1El2));
  }
  if (v == Variant::kMutant2) {
    const Bv tg = Bits(cmd[1], 11, 10);
    s.size = Select(s.match_addr != Bv(0) && p.ril != Bv(0) && tg != Bv(0),
                    s.size - (Bv(1) << (Bv(10) + Bv(2) * tg)), s.size);
  }
  const Bv shift = ia::LevelShift<Bv>(e.level, e.g);
  const Bv in56((uint64_t{1} << 56) - 1);
  const Bv lo = ((e.va & in56) >> shift) << shift;
  const Bv bytes = Select(shift >= Bv(56), in56 + Bv(1), Bv(1) << shift);
  // The engine's global flag: leaves only (walk-cache entries are never global); NS-EL2 and
  // stage-2 leaves match like global ones, NS-EL1/EL2-E2H leaves follow nG (walk.cc).
  const Bool always_global = e.regime == Bv(ia::kRegimeS1El2) || e.regime == Bv(ia::kRegimeS2);
  const Bv e_global = Select(e.leaf != Bv(0) && (always_global || e.ng == Bv(0)), Bv(1), Bv(0));
  const Bool removed =
      ia::ScopeTagMatches<Bv>(e.regime, e.vmid, e.asid, e_global, s.regimes, s.match_vmid, s.vmid,
                              s.match_asid, s.keep_global, s.asid) &&
      (s.match_addr == Bv(0) || ia::RangesOverlap<Bv>(lo, bytes, s.addr & in56, s.size));
  // The lookups the entry serves: its regime, the lookup's VMID/ASID per TlbTagMatches (the
  // walk cache matches the ASID exactly: table entries are never global), an input in the same
  // page. Mutant 12 matches any ASID.
  const Bool serves =
      ia::TlbTagMatches<Bv>(e.regime, e.vmid, e.asid,
                            v == Variant::kMutant12 ? Bv(1) : e_global, e.regime, e.lookup_vmid,
                            e.lookup_asid) &&
      ((e.lookup_va & in56) >> shift) == ((e.va & in56) >> shift);
  // The model: does the command cover the lookup's translation (FetchTag of the lookup's walk)?
  const Bool el2 = e.regime == Bv(ia::kRegimeS1El2) || e.regime == Bv(ia::kRegimeS1El2E2h);
  // The model's global flag (cache.cc): a stage-1 leaf with nG=0.
  const Bv m_global = Select(e.leaf != Bv(0) && e.regime != Bv(ia::kRegimeS2) && e.ng == Bv(0),
                             Bv(1), Bv(0));
  const EntryTerms m{Flag(el2), e.lookup_asid, e.lookup_vmid, e.lookup_va, e.level, e.g, e.leaf,
                     m_global};
  // What the command requires gone when consumed with CR2.E2H = e2h (C-CACHE-016: EL2_VA and
  // EL2_VAA the world E2H selects, EL2_ASID the NS-EL2-E2H world; UNKNOWN requires less than
  // either value), NS-EL2-E2H entries included.
  const Bv e2h_world = Select(e.regime == Bv(ia::kRegimeS1El2E2h), Bv(1), Bv(0));
  const Bool covers =
      Select(e.regime == Bv(ia::kRegimeS2), TlbiCoversTerm(opcode, cmd.data(), p, true, m),
             TlbiCoversTerm(opcode, cmd.data(), p, false, m, e2h, e2h_world));
  std::vector<Assumption> a = {
      {"entry: a stage-1 (NS-EL1, NS-EL2, NS-EL2-E2H) or stage-2 regime (not nested)",
       e.regime == Bv(ia::kRegimeS1El1) || e.regime == Bv(ia::kRegimeS1El2) ||
           e.regime == Bv(ia::kRegimeS1El2E2h) || e.regime == Bv(ia::kRegimeS2)},
      {"entry: granule 4KB, 16KB or 64KB", e.g == Bv(12) || e.g == Bv(14) || e.g == Bv(16)},
      {"entry: level 0-3, leaf or table", e.level <= Bv(3) && e.leaf <= Bv(1) && e.ng <= Bv(1)},
      {"R-WALK-009: a leaf is a page or a block at a level the granule allows",
       Implies(e.leaf != Bv(0), e.level == Bv(3) || ia::BlockAllowed<Bv>(e.g, e.level))},
      {"R-WALK-014: stage-2 inputs are IPAs below 2^52",
       Implies(e.regime == Bv(ia::kRegimeS2), e.lookup_va < Bv(uint64_t{1} << 52))},
      {"finding: in NS-EL2 nG is RES0 and leaves are global; the model reads nG (reported)",
       Implies(e.regime == Bv(ia::kRegimeS1El2), e.ng == Bv(0))},
      {"entry: 16-bit VMID and ASID", e.vmid <= Bv(0xffff) && e.asid <= Bv(0xffff) &&
                                          e.lookup_vmid <= Bv(0xffff) && e.lookup_asid <= Bv(0xffff)},
      {"engine: NS-EL2 and stage-2 entries carry ASID 0 (walk.cc, R-CD-017)",
       Implies(e.regime == Bv(ia::kRegimeS1El2) || e.regime == Bv(ia::kRegimeS2),
               e.asid == Bv(0) && e.lookup_asid == Bv(0))},
      {"engine: without VMID16 the VMID tag is 8 bits",
       Bool(prof.vmid16) || (e.vmid <= Bv(0xff) && e.lookup_vmid <= Bv(0xff))},
      {"engine: without ASID16 the ASID tag is 8 bits",
       Bool(prof.asid16) || (e.asid <= Bv(0xff) && e.lookup_asid <= Bv(0xff))}};
  return ProveByCases(id, Implies(serves && covers, removed), a,
                      Product(CasesOf("g", e.g, {12, 14, 16}), CasesBelow("level", e.level, 4)), o);
}

struct Op {
  uint8_t code;
  const char* name;
};
const Op kOps[] = {{op::CMD_TLBI_NH_ALL, "nh-all"},     {op::CMD_TLBI_NH_ASID, "nh-asid"},
                   {op::CMD_TLBI_NH_VA, "nh-va"},       {op::CMD_TLBI_NH_VAA, "nh-vaa"},
                   {op::CMD_TLBI_EL2_ALL, "el2-all"},   {op::CMD_TLBI_EL2_ASID, "el2-asid"},
                   {op::CMD_TLBI_EL2_VA, "el2-va"},     {op::CMD_TLBI_EL2_VAA, "el2-vaa"},
                   {op::CMD_TLBI_S12_VMALL, "s12-vmall"}, {op::CMD_TLBI_S2_IPA, "s2-ipa"},
                   {op::CMD_TLBI_NSNH_ALL, "nsnh-all"}};

// A vector: SID 1 (ASID a) and SID 2 (ASID b) share tables; SID 1 caches VA's page; the page
// moves; `tlbi` and CMD_SYNC; then `sid` must see the new page.
std::string StaleVector(const std::string& title, const std::string& profile, uint64_t va,
                        uint16_t asid1, uint16_t asid2, const std::string& tlbi,
                        unsigned check_sid) {
  Scene s(title, profile);
  const uint64_t ttb = s.Page();
  s.Stage1(1, 12, 16, ttb, asid1, false, false);
  s.Stage1(2, 12, 16, ttb, asid2, false, false);
  const uint64_t leaf_at = s.Map(ttb, 12, 48, 0, va, 3, 0x10000000ull | 0xc03);  // nG=1, AF
  s.Enable();
  s.Line("txn 1 - " + spec::Hex(va) + " rp");
  s.Line("expect ok 0x10000000");
  s.Write(leaf_at, 0x11000000ull | 0xc03, "the page moves");
  s.Line(tlbi);
  s.Line("cmd 0x46 0x0  # CMD_SYNC");
  s.Line("process");
  s.Line("txn " + std::to_string(check_sid) + " - " + spec::Hex(va) + " rp");
  s.Line("expect ok 0x11000000");
  return s.text();
}

std::string Mutant1Vector(const ProofResult& r) {
  const uint16_t asid = static_cast<uint16_t>(Input(r, "lookup.asid") | 1);
  return StaleVector("counterexample of tlbi/nh-asid/wrong: CMD_TLBI_NH_ASID removes the ASID's "
                     "non-global entries (R-TLBI-002)", "full", 0x40000000, asid, asid,
                     "cmd " + spec::Hex((uint64_t{asid} << 48) | 0x11) + " 0x0  # CMD_TLBI_NH_ASID", 1);
}

std::string Mutant12Vector(const ProofResult& r) {
  return StaleVector("counterexample of tlbi/nh-asid/wrong-lookup: an entry of ASID 1 never "
                     "answers a lookup for ASID 2 (R-TLBI-002, R-CACHE-002)", "full", 0x40000000,
                     1, 2, "cmd " + spec::Hex((uint64_t{2} << 48) | 0x11) + " 0x0  # CMD_TLBI_NH_ASID 2", 2);
}

std::string Mutant2Vector(const ProofResult& r) {
  // A 4KB range of (NUM+1) pages from 0x40000000 (SCALE 0); the last page is cached and moves.
  const uint64_t num = Input(r, "cmd.dw0") >> 12 & 31;
  const uint64_t last = 0x40000000 + num * 0x1000;
  const uint64_t dw0 = (uint64_t{1} << 48) | (num << 12) | 0x12;
  const uint64_t dw1 = 0x40000000 | (uint64_t{1} << 10) | (num == 0 ? uint64_t{1} << 8 : 0);
  return StaleVector("counterexample of tlbi/nh-va/wrong: a range TLBI of " + std::to_string(num + 1) +
                         " 4KB pages covers its last page (R-TLBI-006)", "full-v32", last, 1, 1,
                     "cmd " + spec::Hex(dw0) + " " + spec::Hex(dw1) + "  # CMD_TLBI_NH_VA ASID 1 range", 1);
}

ProofCase Make(const std::string& id, uint8_t code, const std::string& profile, Variant v,
               int e2h = 0) {
  ProofCase c{id, "full width: both command doublewords, entry VA and tags; profile " + profile +
                      "; CR2.E2H=" + std::to_string(e2h),
              [=](const ProveOptions& o) { return Invalidation(id, code, profile, v, e2h, o); }};
  c.wrong = v != Variant::kRight;
  if (c.wrong) c.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  return c;
}

}  // namespace

void AddTlbiProofs(std::vector<ProofCase>* out) {
  for (const Op& o : kOps) {
    out->push_back(Make(std::string("tlbi/") + o.name, o.code, "full-v32", Variant::kRight));
    const bool el2 = o.code == op::CMD_TLBI_EL2_ALL || o.code == op::CMD_TLBI_EL2_ASID ||
                     o.code == op::CMD_TLBI_EL2_VA || o.code == op::CMD_TLBI_EL2_VAA;
    if (el2) {
      out->push_back(Make(std::string("tlbi/") + o.name + "/e2h", o.code, "full-v32",
                          Variant::kRight, 1));
    }
  }
  ProofCase m1 = Make("tlbi/nh-asid/wrong", op::CMD_TLBI_NH_ASID, "full-v32", Variant::kMutant1);
  m1.mutant = 1;
  m1.vector = Mutant1Vector;
  out->push_back(m1);
  ProofCase m12 = Make("tlbi/nh-asid/wrong-lookup", op::CMD_TLBI_NH_ASID, "full-v32", Variant::kMutant12);
  m12.mutant = 12;
  m12.vector = Mutant12Vector;
  out->push_back(m12);
  out->push_back(Make("tlbi/el2-asid/wrong", op::CMD_TLBI_EL2_ASID, "full-v32",
                      Variant::kEl2OnlyNsEl2));
  out->push_back(Make("tlbi/el2-va/e2h/wrong", op::CMD_TLBI_EL2_VA, "full-v32",
                      Variant::kEl2OnlyNsEl2, 1));
  ProofCase m2 = Make("tlbi/nh-va/wrong", op::CMD_TLBI_NH_VA, "full-v32", Variant::kMutant2);
  m2.mutant = 2;
  m2.vector = Mutant2Vector;
  out->push_back(m2);
}

}  // namespace smmuref::proofs
