// Parsing and matching of expectations (spec/vector-format.md).
#include "smmuref/conform/expect.h"
#include "smmuref/spec/format.h"

#include <cstdio>

namespace smmuref::conform {

using spec::Hex;

using spec::Error;

namespace {

// The known field names, for error messages.
std::string FieldNames() {
  std::string names;
  for (size_t i = 0; i < static_cast<size_t>(spec::EventField::kCount); ++i) {
    names += std::string(names.empty() ? "" : " ") +
             spec::EventFieldVectorName(static_cast<spec::EventField>(i));
  }
  return names;
}

// What a record can hold in each field [IHI0070 §7.3]: a value outside it can never match, so
// naming it is a mistake in the file. `align`: ipa and fetch are recorded from bit 12 and bit 3.
struct FieldRange {
  const char* name;
  unsigned bits;
  uint64_t align;
};
constexpr FieldRange kFieldRanges[] = {
    {"sid", 32, 1}, {"ssid", 20, 1}, {"ssv", 1, 1}, {"addr", 64, 1}, {"ipa", 56, 0x1000},
    {"class", 2, 1}, {"s2", 1, 1},   {"rnw", 1, 1}, {"ind", 1, 1},   {"pnu", 1, 1},
    {"fetch", 56, 8}, {"ttrnw", 1, 1}, {"stall", 1, 1}, {"stag", 16, 1}};

spec::Result<uint64_t> FieldValue(const VectorLine& l, const std::string& name,
                                  const std::string& value) {
  if (name == "class" && (value == "CD" || value == "TT" || value == "IN")) {
    return uint64_t{value == "CD" ? 0u : value == "TT" ? 1u : 2u};
  }
  for (const FieldRange& f : kFieldRanges) {
    if (name != f.name) continue;
    auto n = ParseNumberBits(l, value, f.bits, "event field " + name + "=");
    if (!n) return n;
    if (name == "class" && *n == 3) {
      return Error{l.Where(), "class=3 is reserved; expected 0/CD, 1/TT or 2/IN"};
    }
    if (*n % f.align) {
      return Error{l.Where(), name + "=" + value + " is recorded from bit " +
                                  std::to_string(f.align == 8 ? 3 : 12) + "; expected a multiple of " +
                                  Hex(f.align)};
    }
    return n;
  }
  return Error{l.Where(), "unknown event field '" + name + "'"};
}

spec::Result<Expectation> ParseOne(const VectorLine& l, const std::vector<std::string>& t) {
  Expectation e;
  if (t.empty()) {
    return Error{l.Where(), "expected ok PA, abort, raz, fault EVENT, merged EVENT or oneof"};
  }
  if (t[0] == "ok") {
    if (t.size() != 2) return Error{l.Where(), "'expect ok' takes one PA"};
    VectorLine tmp = l;
    auto pa = ParseNumber(tmp, t[1]);
    if (!pa) return pa.error();
    e.kind = Expectation::Kind::kOk;
    e.pa = *pa;
    return e;
  }
  if (t[0] == "abort" || t[0] == "raz") {
    if (t.size() != 1) return Error{l.Where(), "'expect " + t[0] + "' takes no arguments"};
    e.kind = t[0] == "abort" ? Expectation::Kind::kAbort : Expectation::Kind::kRaz;
    return e;
  }
  if (t[0] == "fault" || t[0] == "merged") {
    VectorLine sub = l;
    sub.args.assign(t.begin() + 1, t.end());
    auto f = ParseEventExpectation(sub, 0);
    if (!f) return f.error();
    f->kind = t[0] == "fault" ? Expectation::Kind::kFault : Expectation::Kind::kMerged;
    return f;
  }
  return Error{l.Where(),
               "unknown expectation '" + t[0] + "' (ok, abort, raz, fault, merged, oneof)"};
}

}  // namespace

bool Expectation::MatchesOutcome(const spec::TxnOutcome& o) const {
  using K = spec::TxnOutcome::Kind;
  if (o.kind == K::kUnpredictable) return true;  // the architecture allows any outcome here
  switch (kind) {
    case Kind::kOk: return o.kind == K::kOk && o.pa == pa;
    case Kind::kAbort: return o.kind == K::kAbort;
    case Kind::kRaz: return o.kind == K::kRazWi;
    case Kind::kFault:
    case Kind::kMerged:
      // A recorded event, or (kMerged) one merged into the previous record (C-EVT-006).
      return o.kind != K::kOk && o.event && o.event->type == event &&
             o.merged == (kind == Kind::kMerged) &&
             (term == Term::kAny || (term == Term::kRaz) == (o.kind == K::kRazWi));
  }
  return false;
}

bool Expectation::MatchesRecord(const spec::EventRecord& r, std::string* why,
                                unsigned oas_bits) const {
  if (r.type != event) {
    *why = std::string("observed record ") + ToString(r);
    return false;
  }
  for (const auto& [name, want] : fields) {
    spec::EventField f;
    if (!spec::ParseEventFieldVectorName(name, &f)) continue;  // rejected by the parser
    // Fields the record leaves UNKNOWN (or IMPLEMENTATION DEFINED) match any expected value;
    // RES0 fields read as 0 (C-EVT-001, C-EVT-002).
    const spec::FieldStatus st = spec::EventFieldStatus(r, f);
    if (st == spec::FieldStatus::kUnknown) continue;
    const uint64_t got = spec::EventFieldValue(r, f);
    if (((got ^ want) & spec::ComparedBits(f, oas_bits)) != 0) {
      const std::string res0 = st == spec::FieldStatus::kRes0
                                   ? std::string(" is RES0 in ") + spec::EventTypeName(r.type) +
                                         " records"
                                   : "";
      *why = std::string("field ") + spec::EventFieldName(f) + " (" + name + ")" + res0 +
             ": observed " + Hex(got) + ", expected " + Hex(want) + " in record " + ToString(r);
      return false;
    }
  }
  return true;
}

spec::Result<Expectation> ParseEventExpectation(const VectorLine& l, size_t start) {
  Expectation e;
  e.kind = Expectation::Kind::kFault;
  if (l.args.size() <= start) return Error{l.Where(), "expected an event name, e.g. C_BAD_STE"};
  if (!spec::ParseEventType(l.args[start], &e.event)) {
    return Error{l.Where(), "unknown event '" + l.args[start] + "'"};
  }
  for (size_t i = start + 1; i < l.args.size(); ++i) {
    const std::string& kv = l.args[i];
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) return Error{l.Where(), "expected field=value, got '" + kv + "'"};
    const std::string name = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (name == "term") {
      if (value != "abort" && value != "raz") {
        return Error{l.Where(), "term= takes abort or raz, got '" + value + "'"};
      }
      e.term = value == "raz" ? Expectation::Term::kRaz : Expectation::Term::kAbort;
      continue;
    }
    spec::EventField field;
    if (!spec::ParseEventFieldVectorName(name, &field)) {
      return Error{l.Where(), "unknown event field '" + name + "' (" + FieldNames() + ")"};
    }
    auto v = FieldValue(l, name, value);
    if (!v) return v.error();
    if (!e.fields.emplace(name, *v).second) {
      return Error{l.Where(), "event field '" + name + "' is given twice"};
    }
  }
  return e;
}

spec::Result<std::vector<Expectation>> ParseExpectation(const VectorLine& l) {
  std::vector<Expectation> out;
  if (!l.args.empty() && l.args[0] == "oneof") {
    std::vector<std::string> cur;
    for (size_t i = 1; i <= l.args.size(); ++i) {
      if (i == l.args.size() || l.args[i] == "|") {
        auto e = ParseOne(l, cur);
        if (!e) return e.error();
        out.push_back(*e);
        cur.clear();
      } else {
        cur.push_back(l.args[i]);
      }
    }
    return out;
  }
  auto e = ParseOne(l, l.args);
  if (!e) return e.error();
  out.push_back(*e);
  return out;
}

}  // namespace smmuref::conform
