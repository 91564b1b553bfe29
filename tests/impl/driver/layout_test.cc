// The driver's STE, CD and L1CD builders (impl/driver/ste.cc, cd.cc) against the model: the
// words they produce are decoded by model/arch (DecodeSte, DecodeCd, CdAddressFromL1Cd) and, for
// fields the model does not decode (walk and fetch attributes, overrides), read through the spec
// field tables, over a broad set of randomly chosen values. This is the comparison of the
// driver's own layout (layout.h) with the model's.
#include <gtest/gtest.h>

#include <random>

#include "smmuref/impl/driver/cd.h"
#include "smmuref/impl/driver/ste.h"
#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/tables.h"

namespace smmuref::impl::driver {
namespace {

namespace arch = model::arch;
namespace ste = layout::ste;

const spec::Profile& Full() {
  static const spec::Profile p = *spec::LoadProfile("full");
  return p;
}

// IPS/S2PS encodings 0..5 as bits (the full profile's OAS is 48).
const unsigned kPsBits[6] = {32, 36, 40, 42, 44, 48};
const unsigned kGranules[3] = {12, 14, 16};

TEST(SteLayout, ValidityAndConfigDecodeAsBuilt) {
  const spec::Profile& p = Full();
  EXPECT_FALSE(arch::DecodeSte(Ste::Invalid().Words().data(), p, false).valid);
  const arch::SteConfig abort = arch::DecodeSte(Ste::Abort().Words().data(), p, false);
  EXPECT_TRUE(abort.valid && abort.abort);
  const arch::SteConfig bypass = arch::DecodeSte(Ste::Bypass().Words().data(), p, false);
  EXPECT_TRUE(bypass.valid && !bypass.abort && !bypass.s1 && !bypass.s2);
  EXPECT_EQ(bypass.config, ste::kConfigBypass);
  const Entry nested = Ste::Nested(SteStage1{}, SteStage2{}).Words();
  const arch::SteConfig n = arch::DecodeSte(nested.data(), p, false);
  EXPECT_TRUE(n.s1 && n.s2);
  EXPECT_EQ(spec::Get(nested.data(), spec::ste::EATS), 0u);
}

TEST(SteLayout, Stage1FieldsDecodeAsBuilt) {
  const spec::Profile& p = Full();
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    SteStage1 s1;
    s1.cd_table = (rng() & layout::Bits(47, 6));
    s1.s1cdmax = 1 + static_cast<unsigned>(rng() % p.ssidsize);
    s1.s1fmt = rng() % 3;
    s1.s1dss = rng() % 3;
    s1.cir = rng() % 4;
    s1.cor = rng() % 4;
    s1.csh = rng() % 4;
    const uint16_t vmid = static_cast<uint16_t>(rng());
    Ste s = Ste::Stage1(s1, vmid);
    s.privcfg = rng() % 4;
    s.instcfg = rng() % 4;
    s.mev = rng() & 1;
    s.shcfg = rng() % 4;
    const Entry w = s.Words();
    const arch::SteConfig c = arch::DecodeSte(w.data(), p, false);
    ASSERT_TRUE(c.valid && c.s1 && !c.s2) << i;
    EXPECT_TRUE(arch::SteIllegalReasons(w.data(), p).empty()) << i;
    EXPECT_EQ(c.s1_context_ptr, s1.cd_table);
    EXPECT_EQ(c.s1cdmax, s1.s1cdmax);
    EXPECT_EQ(c.s1fmt, s1.s1fmt);
    EXPECT_EQ(c.s1dss, s1.s1dss);
    EXPECT_EQ(c.vmid, vmid);
    EXPECT_EQ(c.mev, s.mev);
    // full has IDR1.ATTR_PERMS_OVR=0: the model decodes the overrides as 0; read the fields.
    EXPECT_EQ(spec::Get(w.data(), spec::ste::PRIVCFG), s.privcfg);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::INSTCFG), s.instcfg);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::SHCFG), s.shcfg);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::S1CIR), s1.cir);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::S1COR), s1.cor);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::S1CSH), s1.csh);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::STRW), s1.strw);
    EXPECT_EQ(spec::Get(w.data(), spec::ste::S1STALLD), 0u);
  }
}

TEST(SteLayout, OverridesDecodeAsBuiltWhereTheProfileHasThem) {
  spec::Profile p = Full();
  p.attr_perms_ovr = true;
  Ste s = Ste::Bypass();
  s.privcfg = 2;
  s.instcfg = 3;
  const arch::SteConfig c = arch::DecodeSte(s.Words().data(), p, false);
  EXPECT_EQ(c.privcfg, 2u);
  EXPECT_EQ(c.instcfg, 3u);
}

TEST(SteLayout, Stage2FieldsDecodeAsBuilt) {
  const spec::Profile& p = Full();
  std::mt19937_64 rng(2);
  int legal = 0;
  for (unsigned g : kGranules) {
    for (unsigned sl0 = 0; sl0 < 3; ++sl0) {
      for (unsigned t0sz = 16; t0sz <= 39; ++t0sz) {
        SteStage2 s2;
        s2.granule_shift = g;
        s2.sl0 = sl0;
        s2.t0sz = t0sz;
        s2.vmid = static_cast<uint16_t>(rng());
        s2.ps = static_cast<unsigned>(rng() % 6);
        // Aligned beyond any concatenated start-level table (16 x 64KB), inside the S2PS.
        s2.ttb = rng() & layout::Bits(kPsBits[s2.ps] - 1, 20);
        s2.irgn = rng() % 4;
        s2.orgn = rng() % 4;
        s2.sh = rng() % 4;
        s2.affd = rng() & 1;
        s2.ptw = rng() & 1;
        s2.record = rng() & 1;
        const Entry w = Ste::Stage2(s2).Words();
        const arch::SteConfig c = arch::DecodeSte(w.data(), p, false);
        ASSERT_TRUE(c.valid && c.s2 && !c.s1);
        EXPECT_EQ(c.s2cfg.t0sz, t0sz);
        EXPECT_EQ(c.s2cfg.granule_shift, g);
        EXPECT_EQ(c.s2cfg.ps_bits, kPsBits[s2.ps]);
        EXPECT_EQ(c.s2cfg.ttb, s2.ttb);
        EXPECT_EQ(c.vmid, s2.vmid);
        EXPECT_EQ(c.s2cfg.vmid, s2.vmid);
        EXPECT_EQ(c.s2cfg.affd, s2.affd);
        EXPECT_EQ(c.s2cfg.ptw, s2.ptw);
        EXPECT_EQ(c.s2cfg.r, s2.record);
        EXPECT_FALSE(c.s2cfg.s);
        EXPECT_EQ(spec::Get(w.data(), spec::ste::S2IR0), s2.irgn);
        EXPECT_EQ(spec::Get(w.data(), spec::ste::S2OR0), s2.orgn);
        EXPECT_EQ(spec::Get(w.data(), spec::ste::S2SH0), s2.sh);
        EXPECT_EQ(spec::Get(w.data(), spec::ste::S2AA64), 1u);
        EXPECT_EQ(spec::Get(w.data(), spec::ste::S2SL0), sl0);
        if (arch::SteIllegalReasons(w.data(), p).empty()) {
          ++legal;
          // S2SL0: 4KB 0/1/2 -> level 2/1/0; 16KB and 64KB 0/1/2 -> level 3/2/1 [DDI0487].
          EXPECT_EQ(c.s2cfg.start_level, g == 12 ? 2 - static_cast<int>(sl0) : 3 - static_cast<int>(sl0))
              << "g=" << g << " sl0=" << sl0 << " t0sz=" << t0sz;
        }
      }
    }
  }
  EXPECT_GT(legal, 50);
}

TEST(CdLayout, FieldsDecodeAsBuilt) {
  const spec::Profile& p = Full();
  std::mt19937_64 rng(3);
  for (int i = 0; i < 3000; ++i) {
    Cd cd;
    cd.ips = static_cast<unsigned>(rng() % 6);
    CdHalf* halves[2] = {&cd.ttb0, &cd.ttb1};
    for (CdHalf* h : halves) {
      h->enabled = rng() & 1;
      h->granule_shift = kGranules[rng() % 3];
      h->tsz = 16 + static_cast<unsigned>(rng() % 24);
      h->ttb = rng() & layout::Bits(kPsBits[cd.ips] - 1, 16);  // aligned to any start table
      h->irgn = rng() % 4;
      h->orgn = rng() % 4;
      h->sh = rng() % 4;
      h->tbi = rng() & 1;
      h->had = rng() & 1;
    }
    cd.affd = rng() & 1;
    cd.wxn = rng() & 1;
    cd.pan = rng() & 1;
    cd.a = rng() & 1;
    cd.r = rng() & 1;
    cd.aset = rng() & 1;
    cd.asid = static_cast<uint16_t>(rng());
    cd.mair = rng();
    const Entry w = cd.Words();
    const arch::CdContext ctx;
    const arch::CdConfig c = arch::DecodeCd(w.data(), p, ctx);
    ASSERT_TRUE(c.valid);
    EXPECT_TRUE(arch::CdIllegalReasons(w.data(), p, ctx).empty()) << i;
    for (unsigned h = 0; h < 2; ++h) {
      const CdHalf& b = *halves[h];
      ASSERT_EQ(c.ttb[h].enabled, b.enabled) << i << " half " << h;
      if (!b.enabled) continue;
      EXPECT_EQ(c.ttb[h].tsz, b.tsz);
      EXPECT_EQ(c.ttb[h].granule_shift, b.granule_shift);
      EXPECT_EQ(c.ttb[h].ttb, b.ttb);
      EXPECT_EQ(c.ttb[h].tbi, b.tbi);
      EXPECT_EQ(c.ttb[h].had, b.had);  // full has IDR3.HAD=1
    }
    EXPECT_EQ(spec::Get(w.data(), spec::cd::IR0), cd.ttb0.enabled ? cd.ttb0.irgn : 0);
    EXPECT_EQ(spec::Get(w.data(), spec::cd::OR1), cd.ttb1.enabled ? cd.ttb1.orgn : 0);
    EXPECT_EQ(spec::Get(w.data(), spec::cd::SH1), cd.ttb1.enabled ? cd.ttb1.sh : 0);
    EXPECT_EQ(c.ips_bits, kPsBits[cd.ips]);
    EXPECT_EQ(c.affd, cd.affd);
    EXPECT_EQ(c.wxn, cd.wxn);
    EXPECT_EQ(c.pan, cd.pan);
    EXPECT_TRUE(c.aa64);
    EXPECT_EQ(c.a, cd.a);
    EXPECT_EQ(c.r, cd.r);
    EXPECT_FALSE(c.s);
    EXPECT_EQ(c.aset, cd.aset);
    EXPECT_EQ(c.asid, cd.asid);
    EXPECT_EQ(c.mair, cd.mair);
  }
}

TEST(CdLayout, InvalidCdDecodesInvalid) {
  Cd cd;
  cd.valid = false;
  cd.ttb0.enabled = true;
  cd.ttb0.ttb = 0x10000;
  EXPECT_FALSE(arch::DecodeCd(cd.Words().data(), Full(), arch::CdContext{}).valid);
}

TEST(CdLayout, L1CdPointsAtItsLeafTable) {
  SteStage1 s1;
  s1.s1cdmax = 12;
  for (uint64_t fmt : {ste::kS1Fmt4KLeaves, ste::kS1Fmt64KLeaves}) {
    s1.s1fmt = fmt;
    const arch::SteConfig c = arch::DecodeSte(Ste::Stage1(s1).Words().data(), Full(), false);
    const unsigned leaf_bits = fmt == ste::kS1Fmt4KLeaves ? 6 : 10;
    for (uint64_t leaf : {uint64_t{0x10000}, uint64_t{0xabcd0000}, uint64_t{0x7fff'ffff0000}}) {
      uint64_t addr = 0;
      ASSERT_TRUE(arch::CdAddressFromL1Cd(L1Cd(leaf), c, 5, &addr));
      EXPECT_EQ(addr, leaf + 5 * 64);
      ASSERT_TRUE(arch::CdAddressFromL1Cd(L1Cd(leaf), c, (1u << leaf_bits) + 3, &addr));
      EXPECT_EQ(addr, leaf + 3 * 64);
    }
  }
}

}  // namespace
}  // namespace smmuref::impl::driver
