// The proof catalogue (registry.h).
// Tests: tests/proofs/equiv_main.cc
#include "registry.h"

#include "smmuref/conform/runner.h"
#include "smmuref/conform/vector.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

std::vector<ProofCase> AllProofs() {
  std::vector<ProofCase> out;
  AddLayoutProofs(&out);
  AddKernelProofs(&out);
  AddConfigProofs(&out);
  AddWalkProofs(&out);
  AddPermProofs(&out);
  AddQueueProofs(&out);
  AddTlbiProofs(&out);
  AddApiProofs(&out);
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

std::string ReplayVector(const ProofCase& c, const std::string& text) {
  auto file = conform::ParseVectorText(text, c.id + ".vec");
  if (!file) return "the vector does not parse: " + file.error().ToString();
  std::string problems;
  auto run = [&](const std::string& dut, bool must_fail) {
    conform::RunOptions o;
    o.dut = dut;
    const conform::FileReport r = conform::RunVectorFile(*file, o);
    if (r.error) {
      problems += dut + ": " + r.error_message + "\n";
      return;
    }
    if (r.Failed() != must_fail) {
      problems += dut + (must_fail ? ": passed, expected a failure" : ": failed") + "\n";
      for (const conform::Failure& f : r.failures) problems += "  " + f.where + ": " + f.message + "\n";
    }
  };
  run("model", false);
  run("impl", false);
  if (c.mutant) run("impl-mutant-" + std::to_string(c.mutant), true);
  return problems;
}

}  // namespace smmuref::proofs
