// Differential fuzzing of the IOMMU API core (impl/api) against the API model (model/api): the
// input bytes are the choices of the API program generator (conform/include/smmuref/conform/
// api_program.h, the vocabulary of the RapidCheck test tests/stateful/api_diff_test.cc): a system
// set-up with random knobs (min_pasid, partial unmap, SVA init, PASID lifetime, domain scope, aux
// domains), two instances and five devices in groups, then up to kFuzzApiProgramOps operations (domains,
// attach/detach/replace, DMA ownership, map/unmap/iova_to_phys, PASID alloc/free and attach, SVA
// init/bind/unbind and mm exit, aux domains, DMA map/alloc/sync) until the bytes run out. Each
// is an `api.*` vector line run by the vector executor on the lockstep API device
// (conform/include/smmuref/conform/api_device.h): impl and the model in lockstep, every
// determined result equal, every impl choice (PASID, IOVA) one the model allows, then adopted.
//
// On a disagreement, or a generated line the executor rejects as bad input (a generator bug):
// print the reason and the program so far, a replayable vector (`smmuref vectors run --dut impl
// FILE`), then abort. Without impl/api the program runs on the model alone (still: no crash, no
// rejected line). Replayed over corpus/fuzz/fuzz_api_diff/ by ctest (fuzz/replay/api_diff); a
// planted impl bug is found from those seeds by tests/fuzz/api_diff_planted_test.cc.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "bytes_random.h"
#include "smmuref/conform/api_program.h"
#include "smmuref/conform/api_vectors.h"

namespace conform = smmuref::conform;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  smmuref::fuzz::BytesRandom rnd(fdp);
  const std::unique_ptr<conform::LineExecutor> ex = conform::MakeApiExecutor("impl");
  const auto run = conform::RunApiProgram(rnd, *ex, conform::kFuzzApiProgramOps,
                                          [&] { return fdp.remaining_bytes() > 0; });
  if (run.failure.empty()) return 0;
  std::fprintf(stderr,
               "fuzz_api_diff: %s\n---- the program (a vector: smmuref vectors run --dut impl "
               "FILE) ----\n%s---- end of program ----\n",
               run.failure.c_str(), run.vector.c_str());
  std::abort();
}
