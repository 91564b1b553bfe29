// Full-width proofs of the engine's permission kernels (kernels.h: TableAttrBits, AccessBit,
// S1PermsEl1, S1PermsEl2, S2Perms, MergePerms) against the model's permission encodings
// (proofs/encodings/perm.cc): for every leaf descriptor (64-bit), table attributes, StreamWorld,
// CD WXN/PAN, XNX and access, the engine's permission set grants the access exactly when the
// model permits it. The StreamWorld dispatch (EL2 vs EL1&0-type) is walk.cc's one line, stated
// here. Wrong variants: PAN ignored (mutant 8) and S2AP[1] ignored (mutant 13), each written as
// a vector that fails on that mutant.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/perm.h"
#include "proofs/equiv/registry.h"
#include "proofs/equiv/scene.h"
#include "smmuref/impl/arch/kernels.h"

namespace smmuref::proofs {

namespace ia = impl::arch;
namespace ld = impl::arch::layout::desc;

namespace {

struct Access {
  Bv w = Bv::Var("write"), x = Bv::Var("instr"), p = Bv::Var("priv");
};

std::vector<Assumption> AccessContract(const Access& a) {
  return {{"access bits are 0 or 1", a.w <= Bv(1) && a.x <= Bv(1) && a.p <= Bv(1)},
          {"R-TXN-003: writes are data accesses", Implies(a.w == Bv(1), a.x == Bv(0))}};
}

ProofResult Stage1(const std::string& id, bool mutant8, const ProveOptions& o) {
  const Access a;
  const Bv leaf = Bv::Var("leaf"), table = Bv::Var("table_desc"), world = Bv::Var("world"),
           wxn = Bv::Var("wxn"), pan = Bv::Var("pan"), had = Bv::Var("had");
  // One table descriptor above the leaf: the engine folds TableAttrBits unless HADx; the model
  // accumulates S1TableAttrs.
  const Bv attrs = Select(had != Bv(0), Bv(0), ia::TableAttrBits<Bv>(table));
  const TableAttrTerms m_attrs =
      AccumulateTableAttrsTerm(table, had, TableAttrTerms{Bv(0), Bv(0), Bv(0), Bv(0)});
  const Bv ap = ia::FieldGet<Bv>(leaf, ld::kAp), uxn = ia::FieldGet<Bv>(leaf, ld::kUxn),
           pxn = ia::FieldGet<Bv>(leaf, ld::kPxn);
  const Bv aptable = attrs & Bv(3), uxntable = (attrs >> Bv(2)) & Bv(1),
           pxntable = (attrs >> Bv(3)) & Bv(1);
  const Bv k_pan = mutant8 ? Bv(0) : pan;
  const Bv perms = Select(world == Bv(1), ia::S1PermsEl2<Bv>(ap, uxn, aptable, uxntable, wxn),
                          ia::S1PermsEl1<Bv>(ap, uxn, pxn, aptable, uxntable, pxntable, wxn, k_pan));
  const Bool engine = (perms & ia::AccessBit<Bv>(a.w, a.x, a.p)) != Bv(0);
  const Bool model = S1PermitsTerm(leaf, m_attrs, world, wxn, pan, AccessTerms{a.w, a.x, a.p});
  std::vector<Assumption> as = AccessContract(a);
  as.push_back({"CD bits and HADx are 0 or 1", wxn <= Bv(1) && pan <= Bv(1) && had <= Bv(1)});
  as.push_back({"context: StreamWorld is NS-EL1, NS-EL2 or NS-EL2-E2H", world <= Bv(2)});
  return Prove(id, engine == model, as, o);
}

ProofResult Stage2(const std::string& id, bool mutant13, const ProveOptions& o) {
  const Access a;
  const Bv leaf = Bv::Var("leaf"), xnx = Bv::Var("xnx");
  const Bv s2ap = ia::FieldGet<Bv>(leaf, ld::kS2Ap) | (mutant13 ? Bv(2) : Bv(0));
  const Bv perms = ia::S2Perms<Bv>(s2ap, ia::FieldGet<Bv>(leaf, ld::kS2Xn), xnx);
  const Bool engine = (perms & ia::AccessBit<Bv>(a.w, a.x, a.p)) != Bv(0);
  const Bool model = S2PermitsTerm(leaf, AccessTerms{a.w, a.x, a.p}, xnx);
  std::vector<Assumption> as = AccessContract(a);
  as.push_back({"IDR3.XNX is 0 or 1", xnx <= Bv(1)});
  return Prove(id, engine == model, as, o);
}

ProofResult Merge(const std::string& id, const ProveOptions& o) {
  const Access a;
  const Bv s1 = Bv::Var("s1_perms"), s2 = Bv::Var("s2_perms");
  const Bv bit = ia::AccessBit<Bv>(a.w, a.x, a.p);
  const Bool ok = ((ia::MergePerms<Bv>(s1, s2) & bit) != Bv(0)) ==
                  MergedPermitsTerm((s1 & bit) != Bv(0), (s2 & bit) != Bv(0));
  return Prove(id, ok, AccessContract(a), o);
}

// Mutant 8: PAN=1 and a privileged data access to EL0-accessible memory (AP[1]=1).
std::string PanVector(const ProofResult& r) {
  Scene s("counterexample of perm/s1/wrong: with CD.PAN a privileged data access to "
          "EL0-accessible memory faults (R-PERM-006)", "full");
  const uint64_t ttb = s.Page();
  s.Stage1(1, 12, 16, ttb, 1, false, true);
  s.Map(ttb, 12, 48, 0, 0x1000, 3, 0x800000ull | 0x443);  // page, AF, AP=0b01 (EL0 RW)
  s.Enable();
  const bool write = Input(r, "write") != 0;
  s.Line(std::string("txn 1 - 0x1000 ") + (write ? "wp" : "rp"));
  s.Line(std::string("expect fault F_PERMISSION sid=1 class=IN s2=0 rnw=") + (write ? "0" : "1") +
         " pnu=1  # R-PERM-006");
  return s.text();
}

// Mutant 13: a stage-2 read-only page (S2AP=0b01) written.
std::string S2apVector(const ProofResult&) {
  Scene s("counterexample of perm/s2/wrong: S2AP[1]=0 forbids writes at stage 2 (R-PERM-011)",
          "full");
  const uint64_t ttb = s.Page();
  s.Stage2(1, 12, 24, 1, ttb);  // 40-bit IPA from level 1
  // Page: AF, S2AP=0b01 (read only), MemAttr=0b1111 (Normal), valid.
  s.Map(ttb, 12, 40, 1, 0x1000, 3, 0x800000ull | 0x400 | 0x40 | 0x3c | 0x3);
  s.Enable();
  s.Line("txn 1 - 0x1000 w");
  s.Line("expect fault F_PERMISSION sid=1 class=IN s2=1 rnw=0 pnu=0  # R-PERM-011");
  return s.text();
}

ProofCase Wrong(ProofCase c, int mutant, std::function<std::string(const ProofResult&)> vector) {
  c.wrong = true;
  c.mutant = mutant;
  c.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  c.vector = std::move(vector);
  return c;
}

}  // namespace

void AddPermProofs(std::vector<ProofCase>* out) {
  out->push_back({"perm/s1", "full width: leaf and table descriptors 64-bit, every world/access",
                  [](const ProveOptions& o) { return Stage1("perm/s1", false, o); }});
  out->push_back(Wrong({"perm/s1/wrong", "full width; PAN ignored (mutant 8)",
                        [](const ProveOptions& o) { return Stage1("perm/s1/wrong", true, o); }},
                       8, PanVector));
  out->push_back({"perm/s2", "full width: leaf descriptor 64-bit, XNX, every access",
                  [](const ProveOptions& o) { return Stage2("perm/s2", false, o); }});
  out->push_back(Wrong({"perm/s2/wrong", "full width; S2AP[1] ignored (mutant 13)",
                        [](const ProveOptions& o) { return Stage2("perm/s2/wrong", true, o); }},
                       13, S2apVector));
  out->push_back({"perm/merge", "full width: both permission sets (64-bit), every access",
                  [](const ProveOptions& o) { return Merge("perm/merge", o); }});
  ProofCase merge_wrong{"perm/merge/wrong", "full width; stages merged with | instead of &",
                        [](const ProveOptions& o) {
                          const Access a;
                          const Bv s1 = Bv::Var("s1_perms"), s2 = Bv::Var("s2_perms");
                          const Bv bit = ia::AccessBit<Bv>(a.w, a.x, a.p);
                          return Prove("perm/merge/wrong",
                                       (((s1 | s2) & bit) != Bv(0)) ==
                                           MergedPermitsTerm((s1 & bit) != Bv(0), (s2 & bit) != Bv(0)),
                                       AccessContract(a), o);
                        }};
  merge_wrong.wrong = true;
  merge_wrong.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  out->push_back(merge_wrong);
}

}  // namespace smmuref::proofs
