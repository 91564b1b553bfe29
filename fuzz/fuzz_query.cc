// libFuzzer target for the query front end (proofs/query): bytes as an SMT-LIB file over the
// encodings (RunQuery), or, when they start with "ask ", as the words of a canned question
// (Ask). Claims: no crash, no hang past the small budget (Z3 resource units and a wall-clock
// guard), every answer one of sat/unsat/unknown/bad input, and a bad-input message that names
// the file. The corpus (corpus/fuzz/fuzz_query) replays in every ctest.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "proofs/query/ask.h"
#include "proofs/query/query.h"
#include "smmuref/spec/profile.h"

namespace {

void Check(bool ok, const char* what, const std::string& text) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_query: %s\n%s\n", what, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace smmuref::proofs;
  if (size > 4096) return 0;  // the CLI's limit is larger; small inputs keep each run short
  const std::string text(reinterpret_cast<const char*>(data), size);
  ProveOptions o;
  o.rlimit = 2'000'000;
  o.timeout_ms = 2000;
  o.core = false;
  if (text.rfind("ask ", 0) == 0) {
    std::istringstream in(text.substr(4));
    std::vector<std::string> words;
    for (std::string w; in >> w && words.size() < 64;) words.push_back(w);
    const AskResult r = Ask(words, o);
    Check(r.status >= 0 && r.status <= 2 && !r.text.empty(), "an answer without text", r.text);
    return 0;
  }
  static const smmuref::spec::Profile p = *smmuref::spec::LoadProfile("full");
  const QueryAnswer a = RunQuery(text, "fuzz.smt2", p, o);
  Check(!a.text.empty(), "an answer without text", text);
  if (a.kind == QueryAnswer::Kind::kBadInput) {
    Check(a.text.rfind("fuzz.smt2", 0) == 0, "a bad-input message that does not name the file", a.text);
  }
  return 0;
}
