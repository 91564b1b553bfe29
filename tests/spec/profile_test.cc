// Profiles: the normative built-in values (spec/profiles/README.md), overrides, and refusal of what is not
// modelled.
#include "smmuref/spec/profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using smmuref::spec::ErrorKind;
using smmuref::spec::LoadProfile;
using smmuref::spec::ParseProfile;

TEST(Profile, FullHasTheNormativeValues) {
  auto p = LoadProfile("full");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->arch_minor, 1u);
  EXPECT_TRUE(p->s1p && p->s2p && p->cohacc && p->asid16 && p->vmid16 && p->cd2l && p->msi);
  EXPECT_EQ(p->ttf, 2u);
  EXPECT_EQ(p->ttendian, 2u);
  EXPECT_EQ(p->stall_model, 1u);
  EXPECT_EQ(p->st_level, 1u);
  EXPECT_FALSE(p->hyp || p->ats || p->pri || p->term_model || p->btm);
  EXPECT_EQ(p->sidsize, 16u);
  EXPECT_EQ(p->ssidsize, 20u);
  EXPECT_EQ(p->cmdqs, 19u);
  EXPECT_EQ(p->eventqs, 19u);
  EXPECT_TRUE(p->had && p->xnx);
  EXPECT_FALSE(p->ril || p->stt);
  EXPECT_EQ(p->oas, 48u);
  EXPECT_TRUE(p->gran4k && p->gran16k && p->gran64k);
  EXPECT_TRUE(p->coherent_walk);
  EXPECT_EQ(p->ias(), 48u);
}

TEST(Profile, DerivedProfilesChangeOnlyTheirFields) {
  auto v32 = LoadProfile("full-v32");
  ASSERT_TRUE(v32.ok());
  EXPECT_EQ(v32->arch_minor, 2u);
  EXPECT_TRUE(v32->hyp && v32->ril);
  EXPECT_EQ(v32->bbml, 1u);
  auto s1 = LoadProfile("s1only-nossid");
  ASSERT_TRUE(s1.ok());
  EXPECT_TRUE(s1->s1p);
  EXPECT_FALSE(s1->s2p);
  EXPECT_EQ(s1->ssidsize, 0u);
  EXPECT_EQ(s1->oas, 44u);
  auto s2 = LoadProfile("s2only");
  ASSERT_TRUE(s2.ok());
  EXPECT_FALSE(s2->s1p);
  EXPECT_TRUE(s2->s2p);
  auto nc = LoadProfile("noncoherent");
  ASSERT_TRUE(nc.ok());
  EXPECT_FALSE(nc->cohacc || nc->coherent_walk);
}

TEST(Profile, OverridesApplyInOrder) {
  auto p = LoadProfile("full", {"ssidsize=0", "oas=40", "ssidsize=8"});
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->ssidsize, 8u);
  EXPECT_EQ(p->oas, 40u);
}

TEST(Profile, UnknownNamesAndKeysAreErrors) {
  EXPECT_FALSE(LoadProfile("nosuch").ok());
  auto bad = LoadProfile("full", {"nosuchkey=1"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("nosuchkey"), std::string::npos);
  EXPECT_FALSE(LoadProfile("full", {"sidsize=33"}).ok());
  EXPECT_FALSE(LoadProfile("full", {"sidsize=banana"}).ok());
  EXPECT_FALSE(LoadProfile("full", {"sidsize"}).ok());
}

TEST(Profile, ValuesThatAreNotModelledAreRefusedByName) {
  for (const char* o : {"httu=1", "ats=1", "pri=1", "ds=1", "vax=1", "stall_model=0", "ttf=3",
                        "oas=52", "ttendian=0"}) {
    auto p = LoadProfile("full", {o});
    ASSERT_FALSE(p.ok()) << o;
    EXPECT_NE(p.error().message.find("not modelled"), std::string::npos) << o;
    EXPECT_EQ(p.error().kind, ErrorKind::kNotModelled) << o;
  }
}

TEST(Profile, ParseErrorsNameTheLine) {
  auto p = ParseProfile("s1p = 1\nthis is wrong\n", "x.profile");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().where, "x.profile:2");
  auto late = ParseProfile("s1p = 1\ninherit full\n", "y.profile");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().where, "y.profile:2");
}

// fuzz/fuzz_profile_parser.cc compares profiles by their printed text: that holds only if the
// printer writes every field, one `key = value` line per key of ProfileKeys().
TEST(Profile, PrintWritesEveryKeyOnceAndReadsBackToTheSameFields) {
  for (const auto& name : smmuref::spec::BuiltinProfileNames()) {
    auto p = LoadProfile(name, {"struct_res0=invalid", "gbpa_abort_reset=1"});
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    const std::string text = smmuref::spec::PrintProfile(*p);
    std::vector<std::string> keys;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      keys.push_back(line.substr(0, line.find(" = ")));
    }
    std::vector<std::string> want = smmuref::spec::ProfileKeys();
    std::sort(keys.begin(), keys.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(keys, want) << name << ":\n" << text;
    auto again = ParseProfile(text, "printed.profile");
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ(smmuref::spec::ProfileValues(*again), smmuref::spec::ProfileValues(*p)) << name;
    EXPECT_EQ(smmuref::spec::ProfileChoiceValues(*again), smmuref::spec::ProfileChoiceValues(*p))
        << name;
  }
}

TEST(Profile, AnInheritedProfileIsParsedOnceAndStaysTheSame) {
  auto a = ParseProfile("inherit qemu-7-2\ns2p = 0\n", "a.profile");
  auto b = ParseProfile("inherit qemu-7-2\n", "b.profile");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(smmuref::spec::PrintProfile(*a), smmuref::spec::PrintProfile(*b));
  auto bad = ParseProfile("inherit nosuch\n", "c.profile");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "c.profile:1");
  EXPECT_NE(bad.error().message.find("unknown profile 'nosuch'"), std::string::npos);
}
