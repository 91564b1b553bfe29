// Every shipped vector accepts every outcome the model allows at each expectation (`vectors run
// --strict` counts, FileReport::room): an expectation that accepts fewer rejects a correct device
// that made another choice the architecture leaves open (spec/choices.md). The runner adopts the
// first accepted outcome, so this holds along the path a run takes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "smmuref/conform/runner.h"

using namespace smmuref::conform;

namespace {

std::vector<std::string> ShippedVectors() {
  std::vector<std::string> out;
  const std::filesystem::path root = std::filesystem::path(SMMUREF_SOURCE_DIR) / "corpus/vectors";
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".vec") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(CorpusRoom, EveryExpectationAcceptsEveryAllowedOutcome) {
  const std::vector<std::string> files = ShippedVectors();
  ASSERT_GT(files.size(), 50u) << "the corpus was not found";
  RunOptions o;
  o.strict = true;
  size_t counted = 0, open = 0;
  for (const auto& f : files) {
    const FileReport r = RunVectorPath(f, o);
    ASSERT_FALSE(r.error) << r.error_message;
    for (const Room& x : r.room) {
      ++counted;
      open += x.Open() ? 1 : 0;
      if (x.kind != Room::Kind::kTxn || x.any) continue;
      std::string rejected;
      for (const auto& s : x.rejected) rejected += "\n  not accepted: " + s;
      EXPECT_EQ(x.accepted, x.allowed) << x.where << ": " << x.what << rejected;
    }
  }
  // The corpus shows the architecture's room: some expectations allow several outcomes.
  EXPECT_GT(counted, 1000u);
  EXPECT_GT(open, 100u);
}
