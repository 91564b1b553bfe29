// Fuzzing of the harness's side of the DUT protocol (conform/src/dut/process_device.cc,
// spec/dut-protocol.md): the input is everything an out-of-process DUT says, and the harness
// handshakes, reads registers, translates and processes commands against it, serving its memory
// callbacks. Claims checked on every input:
//   1. Nothing the DUT sends crashes, hangs or exhausts the harness: a conversation ends with
//      success or an Error.
//   2. An Error is "not implemented by the DUT" or a device failure (never bad input: the DUT's
//      lines are not the user's), and names the DUT.
// Replayed over corpus/fuzz/fuzz_dut_protocol/ by ctest (fuzz/replay/dut_protocol).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../conform/src/dut/dut_device.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  const std::string lines(reinterpret_cast<const char*>(data), size);
  auto r = smmuref::conform::dut::ReplayDutTranscript(lines);
  if (!r) {
    const auto kind = r.error().kind;
    if (kind != smmuref::spec::ErrorKind::kDeviceFailure &&
        kind != smmuref::spec::ErrorKind::kNotImplemented) {
      std::fprintf(stderr, "DUT protocol: an error of kind '%s': %s\n",
                   smmuref::spec::ErrorKindName(kind), r.error().ToString().c_str());
      std::abort();
    }
    if (kind == smmuref::spec::ErrorKind::kDeviceFailure &&
        r.error().message.find("DUT 'transcript'") == std::string::npos) {
      std::fprintf(stderr, "DUT protocol: a device failure without the DUT's name: %s\n",
                   r.error().message.c_str());
      std::abort();
    }
  }
  return 0;
}
