// User-input primitives (spec/input.h): the one number syntax, bytes that are not text, and
// bounded reading that refuses special files before reading anything.
#include "smmuref/spec/input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

using namespace smmuref::spec;

namespace {

std::string Why(const std::string& s) {
  uint64_t v = 0;
  std::string why;
  return ParseU64(s, &v, &why) ? "ok " + std::to_string(v) : why;
}

std::string Scratch(const char* name) {
  return (::testing::TempDir() + "smmuref-input-" + std::to_string(::getpid()) + "-") + name;
}

}  // namespace

TEST(ParseU64, HexAndDecimalWithoutOctal) {
  EXPECT_EQ(Why("0"), "ok 0");
  EXPECT_EQ(Why("010"), "ok 10") << "a leading 0 is decimal, as the vector format says";
  EXPECT_EQ(Why("0x10"), "ok 16");
  EXPECT_EQ(Why("0X1F"), "ok 31");
  EXPECT_EQ(Why("18446744073709551615"), "ok 18446744073709551615");
  EXPECT_EQ(Why("0xffffffffffffffff"), "ok 18446744073709551615");
  EXPECT_EQ(Why("0x0000000000000000000001"), "ok 1") << "leading zeros do not count as width";
}

TEST(ParseU64, RejectsEverythingElseWithAReason) {
  EXPECT_EQ(Why("18446744073709551616"), "exceeds 64 bits");
  EXPECT_EQ(Why("0x10000000000000000"), "exceeds 64 bits");
  EXPECT_EQ(Why(""), "empty");
  EXPECT_EQ(Why("0x"), "no digits after 0x");
  for (const char* s : {"-1", "+1", "1e3", "1.5", " 1", "1 ", "0b1", "1u", "0x1g", "inf", "nan"}) {
    EXPECT_NE(Why(s).rfind("ok", 0), 0u) << s;
  }
  EXPECT_EQ(Why(std::string("1\0" "2", 3)), "a NUL byte inside the number");
}

TEST(ParseU64, WidthLimit) {
  uint64_t v = 0;
  std::string why;
  EXPECT_TRUE(ParseUnsignedBits("0xffffffff", 32, &v, &why));
  EXPECT_FALSE(ParseUnsignedBits("0x100000001", 32, &v, &why));
  EXPECT_EQ(why, "exceeds 32 bits");
}

TEST(FindBadByte, AcceptsUtf8TabsAndLineEndings) {
  std::string why;
  EXPECT_EQ(FindBadByte("a\tb\r\n# caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n", &why),
            std::string_view::npos);
}

TEST(FindBadByte, FindsNulControlAndInvalidUtf8) {
  std::string why;
  EXPECT_EQ(FindBadByte(std::string("ab\0c", 4), &why), 2u);
  EXPECT_EQ(why, "a NUL byte");
  EXPECT_EQ(FindBadByte("a\x1b[0m", &why), 1u);
  EXPECT_EQ(FindBadByte("a\x7f", &why), 1u);
  EXPECT_EQ(FindBadByte("\xff", &why), 0u);
  EXPECT_EQ(FindBadByte("x\xc3", &why), 1u) << "truncated sequence";
  EXPECT_EQ(FindBadByte("\xc0\xaf", &why), 0u) << "overlong form";
  EXPECT_EQ(FindBadByte("\xed\xa0\x80", &why), 0u) << "UTF-16 surrogate";
  EXPECT_EQ(FindBadByte("\xf4\x90\x80\x80", &why), 0u) << "above U+10FFFF";
}

TEST(ReadTextFile, ReadsARegularFileWithinTheLimit) {
  const std::string p = Scratch("small");
  std::ofstream(p) << "hello\n";
  auto t = ReadTextFile(p, 6, "test file");
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(*t, "hello\n");
  auto big = ReadTextFile(p, 5, "test file");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("the limit is 5 bytes"), std::string::npos);
  std::remove(p.c_str());
}

TEST(ReadTextFile, RefusesSpecialFilesWithoutBlockingOrReading) {
  const std::string fifo = Scratch("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Opening a FIFO without a writer would block forever; reading /dev/zero never ends.
  for (const std::string& p : {fifo, std::string("/dev/zero"), ::testing::TempDir()}) {
    auto t = ReadTextFile(p, 1 << 20, "test file");
    ASSERT_FALSE(t.ok()) << p;
    EXPECT_EQ(t.error().where, p);
    EXPECT_NE(t.error().message.find("expected a regular file"), std::string::npos)
        << t.error().message;
  }
  std::remove(fifo.c_str());
  auto missing = ReadTextFile("/nonexistent/x", 10, "test file");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read test file"), std::string::npos);
}
