// Tests for the api.* vector executor (conform/src/api_vectors.cc): results, bindings, failures
// and bad input.
#include <gtest/gtest.h>

#include "smmuref/conform/api_vectors.h"

namespace smmuref::conform {
namespace {

// Runs `text` (after the header line) and returns the kinds, or the first error message.
std::vector<std::string> RunApi(const std::string& text) {
  auto file = ParseVectorText("smmuref-vectors 1\n" + text, "t.vec");
  EXPECT_TRUE(file.ok());
  auto ex = MakeModelApiExecutor();
  std::vector<std::string> out;
  for (const auto& l : file->lines) {
    auto r = ex->Execute(l);
    if (!r.ok()) {
      out.push_back("error: " + r.error().ToString());
      break;
    }
    out.push_back(r->kind == LineResult::Kind::kPass   ? "pass"
                  : r->kind == LineResult::Kind::kFail ? "fail: " + r->message
                                                       : "done");
  }
  return out;
}

const char* kSetup =
    "api.instance s0 pasid_bits=20 features=sva\n"
    "api.device d0 s0 sids=0x1 pasid_bits=20\n"
    "api.device d1 s0 sids=0x2 pasid_bits=20\n";

TEST(ApiVectors, ExpectationsPassAndVariablesBind) {
  auto r = RunApi(std::string(kSetup) +
               "api.sva.bind h1 d0 mm1 -> 0 pasid=$p handle=h1\n"
               "api.sva.bind h2 d1 mm1 -> 0 pasid=$p\n"
               "api.expect.pasid d1 $p any\n");
  EXPECT_EQ(r, (std::vector<std::string>{"done", "done", "done", "pass", "pass", "pass"}));
}

TEST(ApiVectors, WrongExpectationFailsWithExpectedAndObserved) {
  auto r = RunApi(std::string(kSetup) + "api.domain.alloc dom paging dev=d0 -> -EINVAL\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_NE(r[3].find("expected -EINVAL, observed 0"), std::string::npos) << r[3];
  auto v = RunApi(std::string(kSetup) + "api.sva.bind h1 d0 mm1 -> 0 pasid=7\n");
  EXPECT_NE(v[3].find("fail"), std::string::npos);
}

TEST(ApiVectors, BadInputIsAnErrorWithFileAndLine) {
  auto r = RunApi("api.device d0 nosuch sids=1\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NE(r[0].find("t.vec:2"), std::string::npos) << r[0];
  EXPECT_NE(RunApi("api.map\n")[0].find("error"), std::string::npos);
  EXPECT_NE(RunApi("api.nonsense x\n")[0].find("unknown operation"), std::string::npos);
  EXPECT_NE(RunApi(std::string(kSetup) + "api.expect.pasid d0 $unbound none\n")[3].find("not bound"),
            std::string::npos);
}

TEST(ApiVectors, BangNamesAreUnknownHandles) {
  auto r = RunApi(std::string(kSetup) + "api.attach !x d0 -> -ENOENT\n");
  EXPECT_EQ(r.back(), "pass");
}

}  // namespace
}  // namespace smmuref::conform
