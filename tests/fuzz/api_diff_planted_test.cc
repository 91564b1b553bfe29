// The API differential bites: what fuzz/fuzz_api_diff.cc runs on an input (RunApiProgram over
// the input's bytes, conform/include/smmuref/conform/api_program.h), on the seeds of
// corpus/fuzz/fuzz_api_diff/, against impl/api with planted bugs (PlantedApiDevice:
// iova_to_phys one byte high, PASID 0 handed out) instead of impl/api itself. The seeds must
// find the planted bugs, and each finding's vector must be a replay: its lines reproduce the
// disagreement on a fresh planted device and run cleanly on impl (`smmuref vectors run --dut
// impl`). On impl itself the seeds find nothing (as ctest fuzz/replay/api_diff checks too).
// Built with fuzz/ (fuzz/CMakeLists.txt), which has FuzzedDataProvider.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "bytes_random.h"
#include "planted_api_device.h"
#include "smmuref/conform/api_program.h"
#include "smmuref/conform/api_vectors.h"
#include "smmuref/conform/runner.h"

namespace smmuref::conform {
namespace {

std::vector<std::vector<uint8_t>> Seeds() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SMMUREF_SOURCE_DIR) +
                                                           "/corpus/fuzz/fuzz_api_diff")) {
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::vector<uint8_t>> seeds;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return seeds;
}

// As LLVMFuzzerTestOneInput does, on `ex`.
ApiProgramRun RunSeed(const std::vector<uint8_t>& seed, LineExecutor& ex) {
  FuzzedDataProvider fdp(seed.data(), seed.size());
  fuzz::BytesRandom rnd(fdp);
  return RunApiProgram(rnd, ex, kFuzzApiProgramOps, [&] { return fdp.remaining_bytes() > 0; });
}

std::unique_ptr<LineExecutor> PlantedExecutor() {
  return MakeApiExecutorOn(std::make_unique<PlantedApiDevice>(MakeApiDut("impl")));
}

TEST(FuzzApiDiff, SeedsFindPlantedImplBugsWithReplayableVectors) {
  if (!MakeApiDut("impl")) GTEST_SKIP() << "impl/api is not built";
  const auto seeds = Seeds();
  ASSERT_GE(seeds.size(), 24u);
  int found = 0, iova_to_phys = 0, pasid = 0;
  for (size_t i = 0; i < seeds.size(); ++i) {
    const ApiProgramRun run = RunSeed(seeds[i], *PlantedExecutor());
    if (run.failure.empty()) continue;
    ++found;
    ASSERT_NE(run.failure.find("impl/model disagreement at: "), std::string::npos)
        << "seed " << i << ": " << run.failure;
    iova_to_phys += run.failure.find("planted gave") != std::string::npos;
    pasid += run.failure.find("planted chose PASID 0") != std::string::npos;

    auto file = ParseVectorText(run.vector, "planted.vec");
    ASSERT_TRUE(file.ok()) << file.error().ToString();
    const auto planted = PlantedExecutor();
    std::string last;
    for (const auto& l : file->lines) last = RunApiLine(*planted, l.text);
    EXPECT_EQ(last, run.failure) << "seed " << i << ": the vector does not reproduce it";
    RunOptions on_impl;
    on_impl.dut = "impl";
    const FileReport r = RunVectorFile(*file, on_impl);
    EXPECT_FALSE(r.error) << r.error_message;
    EXPECT_EQ(r.mismatches, 0) << "seed " << i << ": impl itself disagrees on\n" << run.vector;
  }
  std::printf("%d of %zu seeds found a planted bug (%d iova_to_phys, %d PASID 0)\n", found,
              seeds.size(), iova_to_phys, pasid);
  EXPECT_GE(found, static_cast<int>(seeds.size()) / 4);
  EXPECT_GT(iova_to_phys, 0);
  EXPECT_GT(pasid, 0);
}

TEST(FuzzApiDiff, SeedsAgreeOnImpl) {
  if (!MakeApiDut("impl")) GTEST_SKIP() << "impl/api is not built";
  for (const auto& seed : Seeds()) {
    const ApiProgramRun run = RunSeed(seed, *MakeApiExecutor("impl"));
    EXPECT_EQ(run.failure, "") << run.vector;
  }
}

}  // namespace
}  // namespace smmuref::conform
