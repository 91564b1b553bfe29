// `expect` and `event.expect` lines: what they accept, and matching against observations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "smmuref/conform/vector.h"
#include "smmuref/spec/observation.h"

namespace smmuref::conform {

struct Expectation {
  // kMerged: terminated, its event merged into the previous record (no new record, C-EVT-006).
  enum class Kind { kOk, kAbort, kRaz, kFault, kMerged };
  Kind kind = Kind::kOk;
  uint64_t pa = 0;
  spec::EventType event = spec::EventType::F_UUT;
  std::map<std::string, uint64_t> fields;  // event fields to compare
  enum class Term { kAny, kAbort, kRaz };
  Term term = Term::kAny;                  // `term=abort|raz` on `expect fault`
  std::string text;

  // Whether a transaction outcome is of this kind (events are compared on the queue record).
  bool MatchesOutcome(const spec::TxnOutcome& o) const;
  // Whether an event record read from the queue matches the event name and named fields. A
  // field the record leaves UNKNOWN matches any value; a RES0 field must be 0; FetchAddr is
  // compared below the OAS only (spec::EventFieldStatus, spec::ComparedBits).
  bool MatchesRecord(const spec::EventRecord& r, std::string* why, unsigned oas_bits = 56) const;
};

// `expect ok PA | abort | raz | fault EVENT [field=value...] | merged EVENT [field=value...] |
// oneof ALT | ALT ...`
spec::Result<std::vector<Expectation>> ParseExpectation(const VectorLine& l);
// `EVENT [field=value ...]` starting at l.args[start]
spec::Result<Expectation> ParseEventExpectation(const VectorLine& l, size_t start);

}  // namespace smmuref::conform
