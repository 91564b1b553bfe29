// A libFuzzer target with two planted bugs, for the tests of the campaign driver
// (fuzz/campaign.py; tests/fuzz/campaign_test.sh, ctest fuzz/campaign/*): an input that starts
// with "BUG" aborts, one that starts with "BOOM" writes through a null pointer (an ASan report
// with another stack). libFuzzer's comparison tracing finds both from the seeds ("BU", "BOO")
// within a few hundred executions. Built with the fuzz preset only.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] __attribute__((noinline)) void PlantedAbort() {
  std::fprintf(stderr, "planted_fuzzer: the planted abort\n");
  std::abort();
}

__attribute__((noinline)) void PlantedNullWrite(volatile int* p) { *p = 1; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size >= 3 && data[0] == 'B' && data[1] == 'U' && data[2] == 'G') PlantedAbort();
  if (size >= 4 && data[0] == 'B' && data[1] == 'O' && data[2] == 'O' && data[3] == 'M') {
    PlantedNullWrite(reinterpret_cast<volatile int*>(static_cast<uintptr_t>(size < 4096 ? 0 : 1)));
  }
  return 0;
}
