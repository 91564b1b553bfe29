// Random IOMMU API programs as `api.*` vector lines (spec/vector-format.md, "IOMMU API
// operations"), for the differential of impl/api against model/api: a system set-up (random
// knobs, two instances of different page sizes, widths, features and coherency, five devices in
// groups), then operations on domains, attach/detach/replace, DMA ownership, map/unmap and the
// queries, global PASIDs and PASID attach, SVA init/bind/unbind and mm exit, aux domains and the
// DMA API, drawn from a conform::Random (progen.h). One vocabulary for the RapidCheck test
// (tests/stateful/api_diff_test.cc: RapidCheck's choices, shrinkable) and the libFuzzer target
// (fuzz/fuzz_api_diff.cc: the input bytes). A program is a vector file, so a failing one is
// already a replayable vector (`smmuref vectors run --dut impl FILE`).
// Tests: tests/stateful/api_diff_test.cc, tests/fuzz/api_diff_planted_test.cc,
// fuzz/replay/api_diff.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "smmuref/conform/progen.h"
#include "smmuref/conform/vector.h"

namespace smmuref::conform {

// The names a program has bound so far, which later operations may use.
struct ApiNames {
  int domains = 0;                               // D0 .. D(n-1)
  int handles = 0;                               // SVA handles H0 .. H(n-1)
  std::vector<std::pair<int, uint64_t>> mapped;  // (domain, iova) of the map lines so far
};

enum class ApiOp {
  kDomainAlloc, kDomainFree, kAttach, kOwner, kMap, kUnmap, kQuery, kPasid, kSva, kAux, kDma,
  kRemove,
};

// One generated line, the names it uses and the ones it binds. A creating line binds exactly
// the next name; a using line names only bound ones (or a `!name` that stands for none).
struct ApiOpLine {
  std::string text;
  int need_domains = 0, need_handles = 0;  // it names D(need_domains - 1), H(need_handles - 1)
  int new_domain = -1, new_handle = -1;    // it binds D(new_domain), H(new_handle)
  std::optional<std::pair<int, uint64_t>> mapped;  // a map line's (domain, iova)

  // Whether it can run after a program that bound `n` (a shrunk sequence may have lost names).
  bool Fits(const ApiNames& n) const;
  void Apply(ApiNames& n) const;
};

// The operations as often as a program draws them.
const std::vector<ApiOp>& ApiOpMix();
// One operation of kind `op` on the names bound so far.
ApiOpLine MakeApiOp(ApiOp op, const ApiNames& names, Random& r);
// The system: knobs, two instances, devices d0..d4 (d1 aliases d0; d4's default domain may be
// identity).
std::vector<std::string> MakeApiSetup(Random& r);

// Runs one generated line on `ex` (MakeApiExecutor: impl in lockstep with the model). Returns ""
// or why it failed: the line does not parse or is bad input (a generator bug), or impl and the
// model disagree (each disagreement of the lockstep device, one a line). A failed expectation of
// a query line is not a failure: the generator does not know the answer.
std::string RunApiLine(LineExecutor& ex, const std::string& line);

struct ApiProgramRun {
  std::string vector;   // the lines run, as a vector file (the first failing one last)
  std::string failure;  // "" or RunApiLine's reason, naming the line
};
// The operations of one fuzz_api_diff input at most (fuzz/fuzz_api_diff.cc).
inline constexpr size_t kFuzzApiProgramOps = 200;

// The set-up, then up to `max_ops` operations drawn from ApiOpMix while `more()` holds; stops at
// the first failure.
ApiProgramRun RunApiProgram(Random& r, LineExecutor& ex, size_t max_ops,
                            const std::function<bool()>& more);

}  // namespace smmuref::conform
