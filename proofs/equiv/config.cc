// Full-width proofs that the engine's STE and CD decode-and-legality kernels
// (impl/include/smmuref/impl/arch/config_kernels.h: DecodeSteWords, DecodeCdWords,
// LocateCdWords, CdFromL1CdWords), instantiated with the symbolic type, equal the encodings of
// the model (proofs/encodings/ste.cc, cd.cc) over every bit pattern of the structure: the same
// verdict (invalid, abort, legal), the same set of violated rules, named through the engine's
// own rule table, and the same decoded fields for a legal structure; under each named profile
// and under a symbolic profile [IHI0070 §5.2, §5.4].
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/cd.h"
#include "proofs/encodings/fields.h"
#include "proofs/encodings/ste.h"
#include "proofs/equiv/registry.h"
#include "proofs/equiv/vectors.h"
#include "smmuref/impl/arch/config.h"
#include "smmuref/impl/arch/config_kernels.h"
#include "smmuref/spec/profile.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace ia = impl::arch;

namespace {

// The engine's profile words from the encoding's profile terms (the same variables for a
// symbolic profile).
ia::ProfileWords<Bv> Words(const ProfileTerms& t) {
  ia::ProfileWords<Bv> w;
  w.arch_minor = t.arch_minor; w.s1p = t.s1p; w.s2p = t.s2p; w.ttf = t.ttf; w.httu = t.httu;
  w.hyp = t.hyp; w.ats = t.ats; w.asid16 = t.asid16; w.vmid16 = t.vmid16; w.cd2l = t.cd2l;
  w.ttendian = t.ttendian; w.stall_model = t.stall_model; w.term_model = t.term_model;
  w.ssidsize = t.ssidsize; w.attr_perms_ovr = t.attr_perms_ovr; w.had = t.had; w.stt = t.stt;
  w.vax = t.vax; w.oas = t.oas; w.gran4k = t.gran4k; w.gran16k = t.gran16k;
  w.gran64k = t.gran64k;
  return w;
}

Bool Set(const Bv& v) { return v != Bv(0); }
Bool BitSet(const Bv& mask, unsigned bit) { return ((mask >> Bv(bit)) & Bv(1)) != Bv(0); }

struct ProfileChoice {
  std::string name;  // a built-in profile, or "symbolic"
  ProfileTerms terms;
  std::vector<Assumption> assumptions;
};

// "symbolic" is every profile; "symbolic/oas=N" every profile with that OAS (the symbolic
// proofs are split by OAS so that each stays well inside the per-proof budget; together they
// cover every OAS the profile may have).
ProfileChoice Choose(const std::string& name) {
  ProfileChoice c;
  c.name = name;
  if (name.rfind("symbolic", 0) == 0) {
    c.terms = SymbolicProfile("profile", &c.assumptions);
    if (name.size() > 13) {
      const uint64_t oas = std::stoull(name.substr(13));
      c.assumptions.push_back({"case: " + name.substr(9), c.terms.oas == Bv(oas)});
    }
  } else {
    c.terms = ConstantProfile(*spec::LoadProfile(name));
  }
  return c;
}

// kernel == encoding for an STE, as parts: verdict and rules, the decoded stage-1 and common
// fields, the decoded stage-2 fields. `drop_rule` >= 0 makes the wrong variant (the engine
// without that checklist bit).
std::vector<Part> SteParts(const std::vector<Bv>& raw, const ProfileTerms& p, int drop_rule,
                           const std::vector<Case>& profile_cases) {
  const ia::SteWords<Bv> k = ia::DecodeSteWords<Bv>(raw.data(), Words(p));
  const SteMeaning e = EncodeSte(raw.data(), p);
  Bv illegal = k.illegal;
  if (drop_rule >= 0) illegal = illegal & ~Bv(uint64_t{1} << drop_rule);
  Bool rules = (illegal >> Bv(ia::kSteRuleBits)) == Bv(0);
  for (unsigned b = 0; b < ia::kSteRuleBits; ++b) {
    rules = rules && (BitSet(illegal, b) == Violated(e.illegal, ia::SteRuleName(b)));
  }
  const Bool live = e.valid && !e.abort;
  const Bool legal = live && !AnyViolated(e.illegal);
  const Bool verdict = (Set(k.valid) == e.valid) && Implies(e.valid, Set(k.abort) == e.abort) &&
                       Implies(live, rules);
  const Bool common =
      k.s1 == e.s1 && k.s2 == e.s2 && k.s1fmt == e.s1fmt && k.s1cdmax == e.s1cdmax &&
      k.s1dss == e.s1dss && k.s1stalld == e.s1stalld && k.cd_ptr == e.s1_context_ptr &&
      k.cd_ptr_bits == e.cd_ptr_bits && k.el2 == e.el2 && k.vmid == e.vmid &&
      k.privcfg == e.privcfg && k.instcfg == e.instcfg;
  const Bool s2 = k.s2_ia_bits == Bv(64) - e.s2_t0sz && k.s2_granule == e.s2_granule_shift &&
                  k.s2_start_level == e.s2_start_level && k.s2_ps_bits == e.s2_ps_bits &&
                  k.s2_ttb == e.s2_ttb && k.s2_affd == e.s2_affd && k.s2_ptw == e.s2_ptw &&
                  k.s2_record == e.s2_r && k.s2_aa64 == e.s2aa64;
  const std::vector<Case> tg = CasesOf("S2TG", FieldOf(raw.data(), spec::ste::S2TG), {0, 1, 2, 3});
  return {{"verdict", verdict, Product(profile_cases, tg)},
          {"fields", Implies(legal, common), profile_cases},
          {"stage2", Implies(legal && Set(e.s2), s2), Product(profile_cases, tg)}};
}

std::vector<Part> CdParts(const std::vector<Bv>& raw, const ProfileTerms& p,
                          const CdContextTerms& ctx, int drop_rule,
                          const std::vector<Case>& profile_cases) {
  const ia::CdWords<Bv> k = ia::DecodeCdWords<Bv>(
      raw.data(), Words(p), ia::CdContextWords<Bv>{ctx.world, ctx.s1stalld, ctx.s2, ctx.s2aa64});
  const CdMeaning e = EncodeCd(raw.data(), p, ctx);
  Bv illegal = k.illegal;
  if (drop_rule >= 0) illegal = illegal & ~Bv(uint64_t{1} << drop_rule);
  Bool rules = (illegal >> Bv(ia::kCdRuleBits)) == Bv(0);
  for (unsigned b = 0; b < ia::kCdRuleBits; ++b) {
    rules = rules && (BitSet(illegal, b) == Violated(e.illegal, ia::CdRuleName(b)));
  }
  const Bool legal = e.valid && !AnyViolated(e.illegal);
  const Bool common = k.ips_bits == e.ips_bits && k.affd == e.affd && k.wxn == e.wxn &&
                      k.pan == e.pan && k.asid == e.asid && k.a == e.a && k.r == e.r;
  std::vector<Part> parts = {
      {"verdict", (Set(k.valid) == e.valid) && Implies(e.valid, rules), profile_cases},
      {"fields", Implies(legal, common), profile_cases}};
  // The halves' fields are proved under a weaker premise than legality (the CD is valid and
  // VMSAv8-64, and this half passes its own checks R-CD-010..012), which every legal CD meets;
  // that keeps the rest of the checklist out of these queries.
  static const spec::Field kTg[2] = {spec::cd::TG0, spec::cd::TG1};
  for (unsigned h = 0; h < 2; ++h) {
    const ia::CdHalfWords<Bv>& kh = k.half[h];
    const CdHalfMeaning& eh = e.half[h];
    const Bool fields = kh.enabled == eh.enabled &&
                        Implies(Set(eh.enabled),
                                kh.ia_bits == Bv(64) - eh.tsz && kh.granule == eh.granule_shift &&
                                    kh.start_level ==
                                        S1StartLevelTerm(Bv(64) - eh.tsz, eh.granule_shift) &&
                                    kh.ttb == eh.ttb && kh.tbi == eh.tbi && kh.had == eh.had);
    // TGx and TxSZ as constants: the start-level division is by a constant stride of a
    // constant input size in each case (4 x 64 cases, exhaustive).
    // TGx as a constant: the start-level division is then by a constant stride.
    const std::vector<Case> cases = CasesBelow("TG", FieldOf(raw.data(), kTg[h]), 4);
    const Bool premise = e.valid && Set(e.aa64) && eh.checks_pass;
    parts.push_back({"ttb" + std::to_string(h), Implies(premise, fields), cases});
  }
  return parts;
}

CdContextTerms CdContext(std::vector<Assumption>* a) {
  CdContextTerms c{Bv::Var("ctx.world"), Bv::Var("ctx.s1stalld"), Bv::Var("ctx.s2"),
                   Bv::Var("ctx.s2aa64")};
  a->push_back({"context: StreamWorld is NS-EL1, NS-EL2 or NS-EL2-E2H", c.world <= Bv(2)});
  a->push_back({"context: STE booleans are 0 or 1",
                c.s1stalld <= Bv(1) && c.s2 <= Bv(1) && c.s2aa64 <= Bv(1)});
  return c;
}

// Case splits (exhaustive): the granule encodings, and for a symbolic profile the OAS.
std::vector<Case> OasCases(const ProfileChoice& c) { return {{"profile " + c.name, Bool(true)}}; }

std::string DescribeSte(const ProofResult& r, const std::string& profile) {
  return ExplainWitness("ste", r, "ste", 8, profile);
}

std::string DescribeCd(const ProofResult& r, const std::string& profile) {
  return ExplainWitness("cd", r, "cd", 8, profile);
}

}  // namespace

void AddConfigProofs(std::vector<ProofCase>* out) {
  std::vector<std::string> profiles = {"full", "full-v32", "s1only-nossid", "s2only",
                                       "noncoherent"};
  for (unsigned oas : {32, 36, 40, 42, 44, 48, 52}) profiles.push_back("symbolic/oas=" + std::to_string(oas));
  for (const std::string& name : profiles) {
    const bool sym = name.rfind("symbolic", 0) == 0;
    const std::string pname = sym ? "symbolic (every IDR value, " + name.substr(9) + ")" : name;
    const std::string width = "full width: STE DW0-DW7 (512 bits) free, profile " + pname;
    out->push_back({"ste/" + name, width, [name](const ProveOptions& o) {
                      ProfileChoice c = Choose(name);
                      const std::vector<Bv> raw = proofs::Words("ste", 8);
                      return ProveParts("ste/" + name, SteParts(raw, c.terms, -1, OasCases(c)),
                                        c.assumptions, o);
                    }});
    const std::string cwidth = "full width: CD DW0-DW7 (512 bits) and STE context free, profile " + pname;
    out->push_back({"cd/" + name, cwidth, [name](const ProveOptions& o) {
                      ProfileChoice c = Choose(name);
                      const std::vector<Bv> raw = proofs::Words("cd", 8);
                      const CdContextTerms ctx = CdContext(&c.assumptions);
                      return ProveParts("cd/" + name, CdParts(raw, c.terms, ctx, -1, OasCases(c)),
                                        c.assumptions, o);
                    }});
  }
  // Wrong variants: the engine without its S2T0SZ range check (R-STE-019) or TxSZ range check
  // (R-CD-010). No mutant makes these mistakes; the vectors replay on impl and the model.
  ProofCase ste_wrong{"ste/full/wrong", "full width, profile full; engine mask without R-STE-019",
                      [](const ProveOptions& o) {
                        ProfileChoice c = Choose("full");
                        const std::vector<Bv> raw = proofs::Words("ste", 8);
                        return ProveParts("ste/full/wrong",
                                          SteParts(raw, c.terms, ia::kSte019, OasCases(c)),
                                          c.assumptions, o);
                      }};
  ste_wrong.wrong = true;
  ste_wrong.describe = [](const ProofResult& r) { return DescribeSte(r, "full"); };
  ste_wrong.vector = [](const ProofResult& r) { return SteVector(r, "full"); };
  out->push_back(ste_wrong);
  ProofCase cd_wrong{"cd/full/wrong", "full width, profile full; engine mask without R-CD-010",
                     [](const ProveOptions& o) {
                       ProfileChoice c = Choose("full");
                       const std::vector<Bv> raw = proofs::Words("cd", 8);
                       const CdContextTerms ctx = CdContext(&c.assumptions);
                       return ProveParts("cd/full/wrong",
                                         CdParts(raw, c.terms, ctx, ia::kCd010, OasCases(c)),
                                         c.assumptions, o);
                     }};
  cd_wrong.wrong = true;
  cd_wrong.describe = [](const ProofResult& r) { return DescribeCd(r, "full"); };
  out->push_back(cd_wrong);
}

}  // namespace smmuref::proofs
