// Cross-checks of the STE and CD encodings (proofs/encodings/ste.cc, cd.cc) against the model's
// SteIllegalReasons/DecodeSte and CdIllegalReasons/DecodeCd/LocateCd/CdAddressFromL1Cd on
// 100,000 biased random inputs each, under random and named profiles (the encodings are built
// once over a symbolic profile). The first disagreement names its rule or decoded field.
#include <gtest/gtest.h>

#include <set>

#include "harness.h"
#include "proofs/encodings/cd.h"
#include "proofs/encodings/fields.h"
#include "proofs/encodings/ste.h"
#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs::cross {
namespace {

namespace ma = model::arch;

const std::vector<std::string> kSteRules = {
    "R-STE-003", "R-STE-004", "R-STE-005", "R-STE-006", "R-STE-008", "R-STE-009",
    "R-STE-010", "R-STE-011", "R-STE-014", "R-STE-015", "R-STE-016", "R-STE-017",
    "R-STE-018", "R-STE-019", "R-STE-020", "R-STE-021", "R-STE-022"};
const std::vector<std::string> kCdRules = {"R-CD-002", "R-CD-003", "R-CD-004", "R-CD-005",
                                           "R-CD-006", "R-CD-007", "R-CD-008", "R-CD-009",
                                           "R-CD-010", "R-CD-011", "R-CD-012"};

struct Symbolic {
  std::vector<Bv> words;
  ProfileTerms profile;
  std::vector<std::pair<std::string, z3::expr>> inputs;
};

Symbolic MakeInputs(const std::string& name, unsigned dwords) {
  Symbolic s;
  s.words = Words(name, dwords);
  std::vector<Assumption> ignored;
  s.profile = SymbolicProfile("p", &ignored);
  for (unsigned i = 0; i < dwords; ++i) {
    s.inputs.push_back({name + ".dw" + std::to_string(i), s.words[i].expr()});
  }
  for (auto& [field, term] : ProfileFields(s.profile)) s.inputs.push_back({"p." + field, term->expr()});
  return s;
}

std::vector<uint64_t> ProfileInputs(const spec::Profile& p) {
  ProfileTerms t = ConstantProfile(p);
  std::vector<uint64_t> out;
  for (auto& [field, term] : ProfileFields(t)) {
    uint64_t v = 0;
    term->expr().is_numeral_u64(v);
    out.push_back(v);
  }
  return out;
}

// Biased values for the fields whose boundaries the checklists test.
void BiasSizes(Rng& rng, uint64_t* w, std::initializer_list<spec::Field> sizes) {
  static const std::vector<uint64_t> kSizes = {0,  11, 12, 13, 15, 16, 17, 20, 24, 25, 32,
                                               33, 38, 39, 40, 44, 46, 47, 48, 49, 63};
  for (const spec::Field& f : sizes) {
    if (rng.Chance(60)) spec::Set(w, f, rng.Biased(f.width(), kSizes));
  }
}

TEST(CrossSte, EncodingMatchesSteIllegalReasonsAndDecodeSte) {
  Symbolic s = MakeInputs("ste", 8);
  const SteMeaning m = EncodeSte(s.words.data(), s.profile);
  std::vector<std::pair<std::string, z3::expr>> outs = {{"R-STE-001 (V)", Flag(m.valid).expr()},
                                                       {"R-STE-002 (abort)", Flag(m.abort).expr()}};
  for (const std::string& r : kSteRules) outs.push_back({r, Flag(Violated(m.illegal, r)).expr()});
  const std::vector<std::pair<std::string, const Bv*>> fields = {
      {"s1", &m.s1}, {"s2", &m.s2}, {"s1fmt", &m.s1fmt}, {"s1cdmax", &m.s1cdmax},
      {"s1dss", &m.s1dss}, {"s1_context_ptr", &m.s1_context_ptr}, {"cd_ptr_bits", &m.cd_ptr_bits},
      {"s1stalld", &m.s1stalld}, {"privcfg", &m.privcfg}, {"instcfg", &m.instcfg},
      {"world_el2", &m.el2}, {"vmid", &m.vmid}, {"s2.t0sz", &m.s2_t0sz},
      {"s2.granule_shift", &m.s2_granule_shift}, {"s2.start_level", &m.s2_start_level},
      {"s2.concat", &m.s2_concat}, {"s2.ps_bits", &m.s2_ps_bits}, {"s2.ttb", &m.s2_ttb},
      {"s2.affd", &m.s2_affd}, {"s2.ptw", &m.s2_ptw}, {"s2.ha", &m.s2_ha}, {"s2.hd", &m.s2_hd},
      {"s2.r (S2R)", &m.s2_r}, {"s2.s (S2S)", &m.s2_s}};
  for (const auto& [name, term] : fields) outs.push_back({"DecodeSte." + name, term->expr()});
  CrossCheck check(s.inputs, outs);
  Rng rng(12);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const spec::Profile p = RandomProfile(rng);
    std::vector<uint64_t> ste = BiasedStructure(rng, spec::SteTable());
    namespace f = spec::ste;
    if (rng.Chance(80)) spec::Set(ste.data(), f::V, 1);
    if (rng.Chance(70)) spec::Set(ste.data(), f::Config, 4 + rng.Below(4));
    BiasSizes(rng, ste.data(), {f::S2T0SZ, f::S1CDMax});
    std::vector<uint64_t> in(ste.begin(), ste.end());
    for (uint64_t v : ProfileInputs(p)) in.push_back(v);
    std::vector<std::optional<uint64_t>> want(outs.size());
    const bool valid = spec::Get(ste.data(), f::V);
    const ma::SteConfig c = ma::DecodeSte(ste.data(), p, false);
    want[0] = valid;
    want[1] = valid ? std::optional<uint64_t>(c.abort) : std::nullopt;
    std::set<std::string> violated;
    for (const ma::Violation& v : ma::SteIllegalReasons(ste.data(), p)) violated.insert(v.rule);
    for (size_t i = 0; i < kSteRules.size(); ++i) want[2 + i] = violated.count(kSteRules[i]);
    if (valid && !c.abort && violated.empty()) {
      const std::vector<uint64_t> got = {
          c.s1, c.s2, c.s1fmt, c.s1cdmax, c.s1dss, c.s1_context_ptr, c.cd_ptr_bits, c.s1stalld,
          c.privcfg, c.instcfg, c.world != ma::StreamWorld::kNsEl1, c.vmid, c.s2cfg.t0sz,
          c.s2cfg.granule_shift, static_cast<uint64_t>(c.s2cfg.start_level), c.s2cfg.concat,
          c.s2cfg.ps_bits, c.s2cfg.ttb, c.s2cfg.affd, c.s2cfg.ptw, c.s2cfg.ha, c.s2cfg.hd,
          c.s2cfg.r, c.s2cfg.s};
      for (size_t i = 0; i < got.size(); ++i) want[2 + kSteRules.size() + i] = got[i];
    }
    const std::string diff = check.Compare(in, want);
    ASSERT_EQ(diff, "") << "sample " << n << " profile " << p.name;
  }
  EXPECT_EQ(check.samples(), kSamples);
}

TEST(CrossCd, EncodingMatchesCdIllegalReasonsAndDecodeCd) {
  Symbolic s = MakeInputs("cd", 8);
  const CdContextTerms ctx{Bv::Var("ctx.world"), Bv::Var("ctx.s1stalld"), Bv::Var("ctx.s2"),
                           Bv::Var("ctx.s2aa64")};
  for (const Bv* v : {&ctx.world, &ctx.s1stalld, &ctx.s2, &ctx.s2aa64}) {
    s.inputs.push_back({v->expr().decl().name().str(), v->expr()});
  }
  const CdMeaning m = EncodeCd(s.words.data(), s.profile, ctx);
  std::vector<std::pair<std::string, z3::expr>> outs = {{"R-CD-001 (V)", Flag(m.valid).expr()}};
  for (const std::string& r : kCdRules) outs.push_back({r, Flag(Violated(m.illegal, r)).expr()});
  std::vector<std::pair<std::string, const Bv*>> fields = {
      {"ips_bits", &m.ips_bits}, {"affd", &m.affd}, {"wxn", &m.wxn}, {"pan", &m.pan},
      {"asid", &m.asid}, {"a", &m.a}, {"r", &m.r}, {"aa64", &m.aa64}};
  for (unsigned h = 0; h < 2; ++h) {
    const std::string n = "ttb" + std::to_string(h) + ".";
    const CdHalfMeaning& t = m.half[h];
    for (const auto& [name, term] : std::vector<std::pair<std::string, const Bv*>>{
             {"enabled", &t.enabled}, {"tsz", &t.tsz}, {"granule_shift", &t.granule_shift},
             {"ttb", &t.ttb}, {"tbi", &t.tbi}, {"had", &t.had}}) {
      fields.push_back({n + name, term});
    }
  }
  for (const auto& [name, term] : fields) outs.push_back({"DecodeCd." + name, term->expr()});
  CrossCheck check(s.inputs, outs);
  Rng rng(34);
  for (uint64_t n = 0; n < kSamples; ++n) {
    const spec::Profile p = RandomProfile(rng);
    std::vector<uint64_t> cd = BiasedStructure(rng, spec::CdTable());
    namespace f = spec::cd;
    if (rng.Chance(85)) spec::Set(cd.data(), f::V, 1);
    if (rng.Chance(80)) spec::Set(cd.data(), f::AA64, 1);
    BiasSizes(rng, cd.data(), {f::T0SZ, f::T1SZ});
    ma::CdContext mc;
    mc.world = static_cast<ma::StreamWorld>(rng.Below(3));
    mc.s1stalld = rng.Chance(20);
    mc.s2 = rng.Chance(50);
    mc.s2aa64 = rng.Chance(80);
    std::vector<uint64_t> in(cd.begin(), cd.end());
    for (uint64_t v : ProfileInputs(p)) in.push_back(v);
    for (uint64_t v : {uint64_t(mc.world), uint64_t(mc.s1stalld), uint64_t(mc.s2), uint64_t(mc.s2aa64)}) {
      in.push_back(v);
    }
    std::vector<std::optional<uint64_t>> want(outs.size());
    std::set<std::string> violated;
    for (const ma::Violation& v : ma::CdIllegalReasons(cd.data(), p, mc)) violated.insert(v.rule);
    const bool valid = !violated.count("R-CD-001");
    want[0] = valid;
    for (size_t i = 0; i < kCdRules.size(); ++i) want[1 + i] = violated.count(kCdRules[i]);
    if (violated.empty()) {
      const ma::CdConfig c = ma::DecodeCd(cd.data(), p, mc);
      std::vector<uint64_t> got = {c.ips_bits, c.affd, c.wxn, c.pan, c.asid, c.a, c.r, c.aa64};
      for (const ma::TtbConfig& t : c.ttb) {
        for (uint64_t v : {uint64_t(t.enabled), uint64_t(t.tsz), uint64_t(t.granule_shift), t.ttb,
                           uint64_t(t.tbi), uint64_t(t.had)}) {
          got.push_back(v);
        }
      }
      for (size_t i = 0; i < got.size(); ++i) want[1 + kCdRules.size() + i] = got[i];
    }
    const std::string diff = check.Compare(in, want);
    ASSERT_EQ(diff, "") << "sample " << n << " profile " << p.name;
  }
}

TEST(CrossCd, CdTableGeometryMatchesLocateCd) {
  const Bv ptr = Bv::Var("ste.s1_context_ptr"), cdmax = Bv::Var("ste.s1cdmax"),
           fmt = Bv::Var("ste.s1fmt"), bits = Bv::Var("ste.cd_ptr_bits"),
           index = Bv::Var("index"), l1cd = Bv::Var("l1cd");
  const CdPathTerms path = LocateCdTerm(ptr, cdmax, fmt, index);
  const CdLeafTerms leaf = CdFromL1CdTerm(l1cd, bits, fmt, index);
  CrossCheck check({{"ptr", ptr.expr()}, {"s1cdmax", cdmax.expr()}, {"s1fmt", fmt.expr()},
                    {"cd_ptr_bits", bits.expr()}, {"index", index.expr()}, {"l1cd", l1cd.expr()}},
                   {{"R-CD-020 two_level", Flag(path.two_level).expr()},
                    {"R-CD-018/019/021 address", path.addr.expr()},
                    {"R-CD-022/023 L1CD usable", Flag(leaf.ok).expr()},
                    {"R-CD-024 CD address", leaf.addr.expr()}});
  Rng rng(56);
  for (uint64_t n = 0; n < kSamples; ++n) {
    ma::SteConfig ste;
    ste.s1_context_ptr = rng.Biased(56) & ~uint64_t{63};
    ste.s1cdmax = static_cast<unsigned>(rng.Below(21));
    ste.s1fmt = static_cast<unsigned>(ste.s1cdmax == 0 ? 0 : rng.Below(3));
    static const unsigned kBits[] = {32, 40, 44, 48, 52};
    ste.cd_ptr_bits = kBits[rng.Below(5)];
    const uint32_t index = static_cast<uint32_t>(rng.Biased(20) & ((uint64_t{1} << ste.s1cdmax) - 1));
    const uint64_t l1 = rng.Biased(64);
    const ma::CdPath p = ma::LocateCd(ste, index);
    uint64_t cd_addr = 0;
    const bool ok = ma::CdAddressFromL1Cd(l1, ste, index, &cd_addr);
    std::vector<std::optional<uint64_t>> want = {p.two_level, p.two_level ? p.l1cd_addr : p.cd_addr,
                                                 ok, ok ? std::optional<uint64_t>(cd_addr) : std::nullopt};
    if (!p.two_level) want[2] = want[3] = std::nullopt;
    const std::string diff = check.Compare({ste.s1_context_ptr, ste.s1cdmax, ste.s1fmt,
                                            ste.cd_ptr_bits, index, l1}, want);
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
