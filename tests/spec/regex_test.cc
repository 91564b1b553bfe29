// spec::Regex (spec/include/smmuref/spec/regex.h): whole-text match against search, groups that
// did not take part, every non-overlapping match in order, and a malformed pattern.
#include "smmuref/spec/regex.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace {

using smmuref::spec::Regex;

TEST(Regex, MatchNeedsTheWholeTextSearchFindsAPart) {
  const Regex id(R"(R-([A-Z]+)-([0-9]{3}))");
  EXPECT_FALSE(id.Match("see R-STE-001 here"));
  const auto found = id.Search("see R-STE-001 here");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, (Regex::Groups{"R-STE-001", "STE", "001"}));
  const auto whole = id.Match("R-CD-007");
  ASSERT_TRUE(whole);
  EXPECT_EQ((*whole)[1], "CD");
  EXPECT_TRUE(id.Matches("R-CD-007"));
  EXPECT_FALSE(id.Finds("R-cd-007"));
}

TEST(Regex, AGroupThatDidNotTakePartIsEmpty) {
  const Regex r("(a)|(b)");
  const auto m = r.Match("b");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[1], "");
  EXPECT_EQ((*m)[2], "b");
}

TEST(Regex, SearchAllGivesEveryMatchLeftToRight) {
  const Regex opt("--[a-z][a-z-]*");
  const auto all = opt.SearchAll("x --seed 1 --no-vectors, --jobs");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0][0], "--seed");
  EXPECT_EQ(all[1][0], "--no-vectors");
  EXPECT_EQ(all[2][0], "--jobs");
  EXPECT_TRUE(opt.SearchAll("no options").empty());
}

TEST(Regex, AnchorsAreTheEndsOfTheText) {
  const Regex plan("syncs=([0-9]+) hitless=(yes|no)\n$");
  EXPECT_TRUE(plan.Finds("a\nsyncs=3 hitless=no\n"));
  EXPECT_FALSE(plan.Finds("syncs=3 hitless=no\nmore\n"));
}

// std::regex_error, a std::runtime_error (<regex> stays out of this file, as out of every other).
TEST(Regex, AMalformedPatternThrows) { EXPECT_THROW(Regex("(unclosed"), std::runtime_error); }

}  // namespace
