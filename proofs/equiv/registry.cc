// The proof catalogue (registry.h).
// Tests: tests/proofs/equiv_main.cc
#include "registry.h"

#include "smmuref/spec/format.h"

namespace smmuref::proofs {

std::vector<ProofCase> AllProofs() {
  std::vector<ProofCase> out;
  AddLayoutProofs(&out);
  AddKernelProofs(&out);
  AddConfigProofs(&out);
  return out;
}

bool AsExpected(const ProofCase& c, const ProofResult& r) {
  return c.wrong ? r.verdict == Verdict::kCounterexample : r.verdict == Verdict::kProved;
}

std::string DescribeInputs(const ProofResult& r) {
  std::string out;
  for (const auto& [name, v] : r.inputs) out += "  " + name + " = " + spec::Hex(v) + "\n";
  for (const auto& [name, v] : r.flags) out += "  " + name + " = " + (v ? "true" : "false") + "\n";
  return out;
}

}  // namespace smmuref::proofs
