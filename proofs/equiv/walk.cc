// Full-width proofs of the engine's walk kernels (impl/include/smmuref/impl/arch/kernels.h:
// LevelShift, StartLevel, LevelIndex, StartIndex, OutputAddress, BlockAllowed,
// ClassifyDescriptor, InputInRange) against the model's walk encodings
// (proofs/encodings/walk.cc), for every input address and descriptor (64-bit), each granule,
// level and input size the walks use. Wrong variants: the block rule of mutant 3 and the input
// range check without TBI of mutant 5, each written as a vector that fails on that mutant.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/walk.h"
#include "proofs/equiv/registry.h"
#include "proofs/equiv/scene.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

namespace ia = impl::arch;

namespace {

struct WalkVars {
  Bv g = Bv::Var("granule_shift"), level = Bv::Var("level"), ia_bits = Bv::Var("ia_bits");
  Bv va = Bv::Var("va"), desc = Bv::Var("desc");
};

// The walks' parameter ranges: a granule of 4KB/16KB/64KB, a level 0-3 no higher than the
// start level of the input size, an input size legal for the CD/STE (R-CD-010, R-STE-019).
std::vector<Assumption> Contract(const WalkVars& v) {
  return {{"R-CD-014/R-STE-017: granule 4KB, 16KB or 64KB",
           v.g == Bv(12) || v.g == Bv(14) || v.g == Bv(16)},
          {"R-CD-010/R-STE-019: input size 16..52 bits", v.ia_bits >= Bv(16) && v.ia_bits <= Bv(52)},
          {"R-WALK-004: the level is at or below the start level",
           v.level <= Bv(3) && v.level >= S1StartLevelTerm(v.ia_bits, v.g)}};
}

std::vector<Case> GranuleCases(const WalkVars& v) { return CasesOf("g", v.g, {12, 14, 16}); }

ProofResult LevelsProof(const std::string& id, const ProveOptions& o) {
  WalkVars v;
  const Bv k_start = ia::StartLevel<Bv>(v.ia_bits, v.g);
  const StartTableTerm st = StartTable(Bv(0), v.level, v.ia_bits, v.g);
  const Bool ok =
      ia::LevelShift<Bv>(v.level, v.g) == LevelShiftTerm(v.g, v.level) &&
      k_start == S1StartLevelTerm(v.ia_bits, v.g) &&
      ia::LevelIndex<Bv>(v.va, v.level, v.g) * Bv(8) ==
          DescriptorAddressTerm(Bv(0), v.va, v.g, v.level, v.g - Bv(3)) &&
      Implies(v.level == k_start,
              ia::StartIndex<Bv>(v.va, v.level, v.g, v.ia_bits) * Bv(8) ==
                  DescriptorAddressTerm(Bv(0), v.va, v.g, v.level, st.index_bits)) &&
      ia::OutputAddress<Bv>(v.desc & Bv(impl::arch::layout::desc::kAddr), v.va,
                            ia::LevelShift<Bv>(v.level, v.g)) ==
          OutputAddressTerm(v.desc, v.va, LevelShiftTerm(v.g, v.level));
  return ProveByCases(id, ok, Contract(v), GranuleCases(v), o);
}

// The engine's classification (kDesc*) against the model's decode (invalid/table/block/page).
// `mutant3` applies mutant 3's block rule (blocks at levels 0-2 in every granule).
ProofResult ClassifyProof(const std::string& id, bool mutant3, const ProveOptions& o) {
  WalkVars v;
  const Bool block_ok = mutant3 ? v.level <= Bv(2) : ia::BlockAllowed<Bv>(v.g, v.level);
  const Bv k = ia::ClassifyDescriptor<Bv>(v.desc, v.level, block_ok);
  const Bv m = DecodeDescriptorTerm(v.desc, v.level, v.g);
  const Bool ok = (k == Bv(ia::kDescInvalid)) == (m == Bv(kKindInvalid)) &&
                  (k == Bv(ia::kDescTable)) == (m == Bv(kKindTable)) &&
                  (k == Bv(ia::kDescLeaf)) == (m == Bv(kKindBlock) || m == Bv(kKindPage));
  std::vector<Assumption> a = {
      {"R-CD-014/R-STE-017: granule 4KB, 16KB or 64KB", v.g == Bv(12) || v.g == Bv(14) || v.g == Bv(16)},
      {"walk levels 0-3", v.level <= Bv(3)}};
  return Prove(id, ok, a, o);
}

// The engine's input-range check (with the half selection of translate.cc: NS-EL2 has TTB0
// only) against the model's CheckInputRange, for every VA, TxSZ and StreamWorld. `mutant5`
// ignores TBI as mutant 5 does.
ProofResult RangeProof(const std::string& id, bool mutant5, const ProveOptions& o) {
  const Bv va = Bv::Var("va"), tsz = Bv::Var("tsz"), tbi = Bv::Var("tbi"), world = Bv::Var("world");
  const Bv which = Select(world == Bv(1), Bv(0), (va >> Bv(55)) & Bv(1));
  const Bv k_tbi = mutant5 ? Bv(0) : tbi;
  const Bool ok = ia::InputInRange<Bv>(va, Bv(64) - tsz, k_tbi, which) ==
                  InputInRangeTerm(world, tsz, tbi, va);
  return Prove(id, ok,
               {{"R-CD-010: TxSZ 12..48", tsz >= Bv(12) && tsz <= Bv(48)},
                {"TBI is one bit", tbi <= Bv(1)},
                {"context: StreamWorld is NS-EL1, NS-EL2 or NS-EL2-E2H", world <= Bv(2)}},
               o);
}

// Mutant 3's counterexample: a block descriptor at a level where the granule has none.
std::string BlockVector(const ProofResult& r) {
  const unsigned g = static_cast<unsigned>(Input(r, "granule_shift"));
  const unsigned level = static_cast<unsigned>(Input(r, "level"));
  Scene s("counterexample of walk/classify/wrong: a block at level " + std::to_string(level) +
              " with granule 2^" + std::to_string(g) + " is invalid (R-WALK-009)", "full");
  const unsigned tsz = 16, ia_bits = 48;
  const uint64_t ttb = s.Page();
  s.Stage1(1, g, tsz, ttb, 1, false, false);
  const unsigned start = S1Start(ia_bits, g);
  const unsigned at = level < start ? start : level;
  s.Map(ttb, g, ia_bits, start, 0, at, 0x80000000ull | 0x401);  // block, AF=1
  s.Enable();
  s.Line("txn 1 - 0x0 rp");
  s.Line("expect fault F_TRANSLATION sid=1 class=IN s2=0 rnw=1 pnu=1  # R-WALK-009");
  return s.text();
}

// Mutant 5's counterexample: a VA whose top byte TBI ignores.
std::string TbiVector(const ProofResult& r) {
  Scene s("counterexample of walk/range/wrong: with TBI0 the top byte of the VA is ignored "
          "(R-WALK-002)", "full");
  const uint64_t ttb = s.Page();
  s.Stage1(1, 12, 16, ttb, 1, true, false);
  s.Map(ttb, 12, 48, 0, 0x1000, 3, 0x800000ull | 0x403);
  s.Enable();
  s.Line("txn 1 - 0x5a00000000001000 rp");
  s.Line("expect ok 0x800000");
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

void AddWalkProofs(std::vector<ProofCase>* out) {
  out->push_back({"walk/levels",
                  "full width: VA and descriptor 64-bit; granule 4/16/64KB, level 0-3, IA 16..52",
                  [](const ProveOptions& o) { return LevelsProof("walk/levels", o); }});
  out->push_back({"walk/classify", "full width: descriptor 64-bit, every granule and level",
                  [](const ProveOptions& o) { return ClassifyProof("walk/classify", false, o); }});
  out->push_back(Wrong({"walk/classify/wrong", "full width; mutant 3's block levels",
                        [](const ProveOptions& o) { return ClassifyProof("walk/classify/wrong", true, o); }},
                       3, BlockVector));
  out->push_back({"walk/range", "full width: VA 64-bit, TxSZ 12..48, TBI, every StreamWorld",
                  [](const ProveOptions& o) { return RangeProof("walk/range", false, o); }});
  out->push_back(Wrong({"walk/range/wrong", "full width; TBI ignored (mutant 5)",
                        [](const ProveOptions& o) { return RangeProof("walk/range/wrong", true, o); }},
                       5, TbiVector));
}

}  // namespace smmuref::proofs
