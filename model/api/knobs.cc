// Policy knobs (spec/api-knobs.md; their spellings are parsed in spec/src/api.cc): the rule
// that knobs are fixed once the system has an instance. Tests: tests/model/api/domain_test.cc (Knobs).
#include "smmuref/model/api/knobs.h"

#include "smmuref/model/api/system.h"

namespace smmuref::model::api {

// R-API-003: knobs are a property of the whole system; they change only while no instance is
// registered, so no object ever sees two policies [decision: mid-run changes have no meaning].
Errno System::SetKnobs(const Knobs& k) {
  if (!instances_.empty()) return Errno::kEBUSY;
  knobs_ = k;
  return Errno::kOk;
}

}  // namespace smmuref::model::api
