// Full-width proofs of the engine's circular-queue kernels (kernels.h: QueueIndex, QueueNext,
// QueueEmpty, QueueFull) against the model's QueuePointer encoding (proofs/encodings/cmdq.cc),
// for every PROD/CONS value the 20-bit pointer fields hold and every queue size up to 2^19
// (IDR1.CMDQS/EVENTQS), applied as the engine applies them (values masked to the pointer
// field). Wrong variant: mutant 11's CONS that keeps its wrap bit, written as a vector.
// Tests: tests/proofs/equiv_main.cc
#include <string>

#include "proofs/encodings/cmdq.h"
#include "proofs/equiv/registry.h"
#include "proofs/equiv/scene.h"
#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/layout.h"

namespace smmuref::proofs {

namespace ia = impl::arch;

namespace {

ProofResult QueueProof(const std::string& id, bool mutant11, const ProveOptions& o) {
  const Bv prod = Bv::Var("prod"), cons = Bv::Var("cons"), qs = Bv::Var("log2size");
  const Bv ptr(impl::arch::layout::regs::kPtrMask);
  const Bv p = prod & ptr, c = cons & ptr;
  Bv next = ia::QueueNext<Bv>(c, qs);
  if (mutant11) {
    // Mutant 11: at the wrap the published CONS keeps its old wrap bit.
    next = Select(ia::QueueIndex<Bv>(next, qs) == Bv(0), c & ~(ptr & ia::LowMask<Bv>(qs)), next);
  }
  const QueueTerms mc = QueuePointerTerm(cons, qs);
  const Bool ok = ia::QueueIndex<Bv>(c, qs) == mc.index && next == mc.next &&
                  ia::QueueEmpty<Bv>(p, c, qs) == QueueEmptyTerm(prod, cons, qs) &&
                  ia::QueueFull<Bv>(p, c, qs) == QueueFullTerm(prod, cons, qs);
  std::vector<Assumption> a = {
      {"R-CMDQ-002/R-EVTQ-002: log2size <= 19 (IDR1.CMDQS, EVENTQS)", qs <= Bv(19)},
      {"registers are 32-bit", prod <= Bv(0xffffffffull) && cons <= Bv(0xffffffffull)}};
  if (mutant11) a.push_back({"vector size: log2size <= 2", qs <= Bv(2)});
  return Prove(id, ok, a, o);
}

// Mutant 11: fill a queue of 2^qs commands once round, CONS must come back with the wrap bit.
std::string WrapVector(const ProofResult& r) {
  const unsigned qs = static_cast<unsigned>(Input(r, "log2size"));
  Scene s("counterexample of queue/wrong: CONS toggles its wrap bit when it passes the end of a "
          "queue of " + std::to_string(1u << qs) + " commands (R-CMDQ-001, R-CMDQ-002)", "full");
  s.Line("reg.write64 CMDQ_BASE " + std::to_string(0x210000 + qs));
  s.Enable();
  for (unsigned i = 0; i < (1u << qs); ++i) s.Line("cmd 0x46 0x0  # CMD_SYNC");
  s.Line("process");
  s.Line("reg.expect32 CMDQ_CONS " + std::to_string(1u << qs) + "  # index 0, wrap 1");
  return s.text();
}

}  // namespace

void AddQueueProofs(std::vector<ProofCase>* out) {
  out->push_back({"queue", "full width: PROD/CONS 32-bit registers, log2size 0..19",
                  [](const ProveOptions& o) { return QueueProof("queue", false, o); }});
  ProofCase wrong{"queue/wrong", "full width (log2size <= 2); mutant 11's CONS wrap",
                  [](const ProveOptions& o) { return QueueProof("queue/wrong", true, o); }};
  wrong.wrong = true;
  wrong.mutant = 11;
  wrong.describe = [](const ProofResult& r) { return DescribeInputs(r); };
  wrong.vector = WrapVector;
  out->push_back(wrong);
}

}  // namespace smmuref::proofs
