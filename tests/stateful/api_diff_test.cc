// RapidCheck stateful test: impl/api against model/api on random sequences of IOMMU API
// operations (issue 13 item 5, the API part). Every command is one `api.*` vector line of the
// program vocabulary of conform/include/smmuref/conform/api_program.h (shared with
// fuzz/fuzz_api_diff.cc), run by the vector executor on the lockstep API device
// (conform/include/smmuref/conform/api_device.h), which compares every result of impl and model
// and adopts impl's PASID and IOVA choices. The systems have random knobs, two instances of
// different page sizes, widths, features and coherency, and groups of several devices. A failure
// shrinks and prints the replayable vector
// (`smmuref vectors run --dut impl stateful_api_failure.vec`).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <fstream>
#include <memory>
#include <string>

#include "smmuref/conform/api_program.h"
#include "smmuref/conform/api_vectors.h"
#include "rc_random.h"

namespace smmuref::stateful {
namespace {

using ApiModel = conform::ApiNames;  // what the generator knows: the names bound so far

// The executor in lockstep, and the vector so far.
class ApiSut {
 public:
  ApiSut() : ex_(conform::MakeApiExecutor("impl")), vector_("smmuref-vectors 1\n") {}
  void Run(const std::string& line) {
    vector_ += line + "\n";
    const std::string why = conform::RunApiLine(*ex_, line);
    if (why.empty()) return;
    std::ofstream("stateful_api_failure.vec") << vector_;
    RC_FAIL(why + "\nvector (stateful_api_failure.vec):\n" + vector_);
  }

 private:
  std::unique_ptr<conform::LineExecutor> ex_;
  std::string vector_;
};

// One line, drawn from the operation mix when the command is generated. The names it uses must
// still be bound when a shrunk sequence runs it (ApiOpLine::Fits).
class ApiLine : public rc::state::Command<ApiModel, ApiSut> {
 public:
  explicit ApiLine(const ApiModel& m) {
    RcRandom r;
    const auto& mix = conform::ApiOpMix();
    line_ = conform::MakeApiOp(mix[r.Below(mix.size())], m, r);
  }
  void checkPreconditions(const ApiModel& m) const override { RC_PRE(line_.Fits(m)); }
  void apply(ApiModel& m) const override { line_.Apply(m); }
  void run(const ApiModel&, ApiSut& sut) const override { sut.Run(line_.text); }
  void show(std::ostream& os) const override { os << line_.text; }

 private:
  conform::ApiOpLine line_;
};

void CheckSequences() {
  ApiSut sut;
  RcRandom r;
  for (const auto& l : conform::MakeApiSetup(r)) sut.Run(l);
  ApiModel init;
  const auto cmds = *rc::gen::resize(
      120, rc::state::gen::commands(init, rc::state::gen::execOneOfWithArgs<ApiLine>()));
  rc::state::runAll(cmds, init, sut);
}

RC_GTEST_PROP(StatefulApiDiff, ImplAgreesWithModelOnRandomOperations, ()) { CheckSequences(); }

}  // namespace
}  // namespace smmuref::stateful
