// `smmuref query --ask NAME ARGS`: canned questions answered by Z3 over the encodings, each
// documented with an example in spec/queries.md and shipped in corpus/queries/ with its expected
// answer:
//   ste-legal [--profile P] DW0..DW7            legal, or why not (every rule id); exit 0 either way
//   cd-legal [--profile P] [--world el1|el2|el2-e2h] [--s1stalld B] [--s2 B] [--s2aa64 B] DW0..DW7
//   pasid0-reaches-cd --s1dss V --min-pasid N [--profile P]
//   hitless --kind ste|cd [--profile P] FROM0..7 TO0..7
//   domain-accepts --instances SPEC [SPEC...]   SPEC: sizes like 4K+2M+1G, or pgsize=BITMAP,
//                                               with optional ,ias=N,oas=N
//   iova-for-pa --vectors FILE --sid S [--ssid N] --pa X [--access ACCESS]
// Tests: tests/proofs/query_test.cc, corpus/queries/*.ask (ctest queries/*)
#pragma once

#include <string>
#include <vector>

#include "proofs/lib/prove.h"

namespace smmuref::proofs {

struct AskResult {
  int status = 2;    // 0 answered, 1 unknown, 2 bad input
  std::string text;  // the answer, or the error
};

// `args` are the words after --ask (the question's name first).
AskResult Ask(const std::vector<std::string>& args, const ProveOptions& options);

// The names of the canned questions, for help and tests.
const std::vector<std::string>& AskNames();

}  // namespace smmuref::proofs
