// Cross-checks of the walk and permission encodings (proofs/encodings/walk.cc, perm.cc) against
// the model's S1Translate and S2Translate (model/arch/walk.cc) on 100,000 biased random walks
// each: the walk reads descriptors chosen at random (invalid, tables, blocks and pages at every
// level, with random attributes) from a scripted fetcher that records every read address, and
// the encoding must predict the same read addresses, the same outcome (ok, F_TRANSLATION,
// F_ADDR_SIZE, F_ACCESS, F_PERMISSION), level and output address. Covers start level and
// per-level index for each granule and TxSZ/S2SL0 (concatenation included), descriptor decode
// and legal block levels, output-address assembly, address-size checks, the access flag and
// both stages' permissions.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/walk.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/model/arch/walk.h"

namespace smmuref::proofs::cross {
namespace {

namespace ma = model::arch;
using spec::EventType;

class ScriptedFetcher final : public ma::Fetcher {
 public:
  explicit ScriptedFetcher(const uint64_t* desc) : desc_(desc) {}
  bool Read(ma::FetchKind kind, const ma::FetchTag& tag, uint64_t pa, unsigned dwords,
            uint64_t* out) override {
    if (reads_ < 4) addr_[reads_] = pa;
    out[0] = desc_[reads_ < 4 ? reads_ : 3];
    ++reads_;
    return true;
  }
  const uint64_t* desc_;
  uint64_t addr_[4] = {};
  unsigned reads_ = 0;
};

uint64_t Outcome(const ma::Step<uint64_t>& r, int* level) {
  if (std::holds_alternative<uint64_t>(r)) return kWalkOk;
  const ma::Fault& f = std::get<ma::Fault>(r);
  *level = f.level;
  switch (f.type) {
    case EventType::F_TRANSLATION: return kWalkTranslation;
    case EventType::F_ADDR_SIZE: return kWalkAddrSize;
    case EventType::F_ACCESS: return kWalkAccess;
    case EventType::F_PERMISSION: return kWalkPermission;
    default: return 99;
  }
}

// A descriptor for a walk: invalid, table, block or page, with random attributes and an
// address that is usually inside the output size.
uint64_t RandomDescriptor(Rng& rng) {
  uint64_t d = rng.Next() & ~uint64_t{3};
  if (rng.Chance(70)) d &= (uint64_t{1} << 48) - 1;  // OA/NLTA within 48 bits, no upper attrs
  if (rng.Chance(50)) d |= uint64_t{1} << 10;        // AF
  switch (rng.Below(5)) {
    case 0: return d & ~uint64_t{1};
    case 1: return d | 1;     // block
    default: return d | 3;    // table / page
  }
}

struct Symbolic {
  WalkParams w;
  Bv va, write, instr, priv;
  Bv desc[4];
  std::vector<std::pair<std::string, z3::expr>> inputs;
};

Symbolic MakeWalk(bool stage2) {
  Symbolic s;
  s.w.stage2 = stage2;
  std::vector<std::pair<std::string, Bv*>> v = {
      {"tsz", &s.w.tsz}, {"granule_shift", &s.w.granule_shift}, {"ttb", &s.w.ttb},
      {"start_level", &s.w.start_level}, {"oa_bits", &s.w.oa_bits}, {"affd", &s.w.affd},
      {"had", &s.w.had}, {"wxn", &s.w.wxn}, {"pan", &s.w.pan}, {"world", &s.w.world},
      {"tbi", &s.w.tbi}, {"xnx", &s.w.xnx}, {"va", &s.va}, {"write", &s.write},
      {"instr", &s.instr}, {"priv", &s.priv}, {"desc0", &s.desc[0]}, {"desc1", &s.desc[1]},
      {"desc2", &s.desc[2]}, {"desc3", &s.desc[3]}};
  for (auto& [name, term] : v) {
    *term = Bv::Var("walk." + name);
    s.inputs.push_back({name, term->expr()});
  }
  return s;
}

std::vector<std::pair<std::string, z3::expr>> Outputs(const WalkTerms& t) {
  std::vector<std::pair<std::string, z3::expr>> o = {
      {"reads (R-WALK-004/005: start level)", t.reads.expr()},
      {"outcome (R-WALK-008/009/011, R-PERM-*)", t.outcome.expr()},
      {"level", t.level.expr()}, {"R-WALK-012 output address", t.out.expr()}};
  for (int i = 0; i < 4; ++i) {
    o.push_back({"R-WALK-006 read address " + std::to_string(i), t.read_addr[i].expr()});
  }
  return o;
}

const std::vector<uint64_t> kSizes = {16, 17, 20, 21, 22, 24, 25, 28, 30, 33, 34, 36, 38, 39};

TEST(CrossWalk, Stage1EncodingMatchesS1Translate) {
  Symbolic s = MakeWalk(false);
  const WalkTerms t = WalkTerm(s.w, s.va, s.desc, s.write, s.instr, s.priv);
  const auto outs = Outputs(t);
  CrossCheck check(s.inputs, outs);
  Rng rng(78);
  const spec::Profile p = *spec::LoadProfile("full");
  for (uint64_t n = 0; n < kSamples; ++n) {
    static const unsigned kG[3] = {12, 14, 16};
    ma::CdConfig cd;
    ma::TtbConfig& h = cd.ttb[0];
    h.enabled = true;
    h.granule_shift = kG[rng.Below(3)];
    h.tsz = static_cast<unsigned>(rng.Chance(80) ? kSizes[rng.Below(kSizes.size())] : 16 + rng.Below(24));  // R-CD-010 / R-STE-019 ranges without STT
    h.ttb = rng.Biased(48) & ~uint64_t{0xf};
    h.tbi = rng.Chance(30);
    h.had = rng.Chance(30);
    cd.ttb[1] = h;  // both halves alike: the VA picks one (R-WALK-001), the encoding is per half
    cd.ips_bits = static_cast<unsigned>(rng.Chance(70) ? 48 : 32 + rng.Below(17));
    cd.affd = rng.Chance(20);
    cd.wxn = rng.Chance(20);
    cd.pan = rng.Chance(30);
    const ma::StreamWorld world = static_cast<ma::StreamWorld>(rng.Below(3));
    uint64_t va = rng.Next() & ((uint64_t{1} << (64 - h.tsz)) - 1);
    if (rng.Chance(10)) va = rng.Next();  // outside the range now and then
    if (h.tbi && rng.Chance(30)) va |= rng.Next() & (uint64_t{0xff} << 56);
    ma::Access a;
    a.write = rng.Chance(40);
    a.instr = !a.write && rng.Chance(30);
    a.priv = rng.Chance(50);
    uint64_t desc[4];
    for (uint64_t& d : desc) d = RandomDescriptor(rng);
    ScriptedFetcher f(desc);
    const auto r = ma::S1Translate(cd, world, va, a, nullptr, p, f, ma::FetchTag{});
    int level = 0;
    const uint64_t outcome = Outcome(r, &level);
    ASSERT_NE(outcome, 99u);
    std::vector<uint64_t> in = {h.tsz, h.granule_shift, h.ttb, 0, cd.ips_bits, cd.affd, h.had,
                                cd.wxn, cd.pan, static_cast<uint64_t>(world), h.tbi, 0, va,
                                a.write, a.instr, a.priv, desc[0], desc[1], desc[2], desc[3]};
    std::vector<std::optional<uint64_t>> want(outs.size());
    want[0] = f.reads_;
    want[1] = outcome;
    if (f.reads_ > 0) want[2] = outcome == kWalkOk ? std::nullopt : std::optional<uint64_t>(level);
    if (outcome == kWalkOk) want[3] = std::get<uint64_t>(r);
    for (unsigned i = 0; i < f.reads_ && i < 4; ++i) want[4 + i] = f.addr_[i];
    const std::string diff = check.Compare(in, want);
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

TEST(CrossWalk, Stage2EncodingMatchesS2Translate) {
  Symbolic s = MakeWalk(true);
  const WalkTerms t = WalkTerm(s.w, s.va, s.desc, s.write, s.instr, s.priv);
  const auto outs = Outputs(t);
  CrossCheck check(s.inputs, outs);
  Rng rng(90);
  spec::Profile p = *spec::LoadProfile("full");
  uint64_t walks = 0;
  for (uint64_t n = 0; walks < kSamples; ++n) {
    static const unsigned kTg[3] = {0, 1, 2};  // 4KB, 64KB, 16KB
    // A consistent stage 2 from the model's own S2StartLevel (concatenated tables included).
    ma::S2Config s2;
    s2.t0sz = static_cast<unsigned>(rng.Chance(80) ? kSizes[rng.Below(kSizes.size())] : 16 + rng.Below(24));  // R-CD-010 / R-STE-019 ranges without STT
    const unsigned tg = kTg[rng.Below(3)];
    s2.granule_shift = tg == 0 ? 12 : tg == 1 ? 16 : 14;
    int level = 0;
    unsigned concat = 1;
    if (!ma::S2StartLevel(s2.t0sz, static_cast<unsigned>(rng.Below(4)), s2.granule_shift, p, &level,
                          &concat)) {
      continue;
    }
    ++walks;
    s2.start_level = level;
    s2.concat = concat;
    s2.ttb = rng.Biased(48) & ~uint64_t{0xf};
    s2.ps_bits = static_cast<unsigned>(rng.Chance(70) ? 48 : 32 + rng.Below(17));
    s2.affd = rng.Chance(20);
    p.xnx = rng.Chance(50);
    uint64_t ipa = rng.Next() & ((uint64_t{1} << (64 - s2.t0sz)) - 1);
    if (rng.Chance(10)) ipa = rng.Next();
    ma::Access a;
    a.write = rng.Chance(40);
    a.instr = !a.write && rng.Chance(30);
    a.priv = rng.Chance(50);
    uint64_t desc[4];
    for (uint64_t& d : desc) d = RandomDescriptor(rng);
    ScriptedFetcher f(desc);
    const auto r = ma::S2Translate(s2, ipa, a, spec::FaultClass::IN, p, f, ma::FetchTag{});
    int end_level = 0;
    const uint64_t outcome = Outcome(r, &end_level);
    ASSERT_NE(outcome, 99u);
    std::vector<uint64_t> in = {s2.t0sz, s2.granule_shift, s2.ttb, static_cast<uint64_t>(level),
                                s2.ps_bits, s2.affd, 0, 0, 0, 0, 0, p.xnx, ipa, a.write, a.instr,
                                a.priv, desc[0], desc[1], desc[2], desc[3]};
    std::vector<std::optional<uint64_t>> want(outs.size());
    want[0] = f.reads_;
    want[1] = outcome;
    if (f.reads_ > 0 && outcome != kWalkOk) want[2] = end_level;
    if (outcome == kWalkOk) want[3] = std::get<uint64_t>(r);
    for (unsigned i = 0; i < f.reads_ && i < 4; ++i) want[4 + i] = f.addr_[i];
    const std::string diff = check.Compare(in, want);
    ASSERT_EQ(diff, "") << "sample " << n;
  }
  EXPECT_EQ(check.samples(), kSamples);
}

}  // namespace
}  // namespace smmuref::proofs::cross
