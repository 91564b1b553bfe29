// `smmuref query` over the prelude (query.h).
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2
#include "query.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "proofs/query/prelude.h"
#include "smmuref/conform/explain.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

namespace {

// `s` with every run of white space one space, none at the ends.
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space) out += c;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Z3's parse errors read `(error "line L column C: what")`, one per failing command.
std::string ParseError(const std::string& message, const std::string& path) {
  static const std::regex kWhere(R"(line ([0-9]+) column ([0-9]+): ([^"]*))");
  std::smatch m;
  if (std::regex_search(message, m, kWhere)) {
    return path + ":" + m[1].str() + ": " + OneLine(m[3].str()) + " (column " + m[2].str() + ")";
  }
  const std::string what = OneLine(message);
  return path + ": " + (what.empty() ? std::string("Z3 rejected the file") : what);
}

// The structure a witness group decodes as, from its name.
std::string KindOf(const std::string& name) {
  for (const char* k : {"l1std", "l1cd", "ste", "cd", "desc2", "desc", "event"}) {
    if (name.rfind(k, 0) == 0) return k;
  }
  return "";
}

}  // namespace

std::string FormatWitness(const ProofResult& r, const spec::Profile& p) {
  std::string out = "witness:\n";
  std::map<std::string, std::map<unsigned, uint64_t>> groups;
  static const std::regex kGroup(R"((.+)\.dw([0-9]))");
  for (const auto& [name, v] : r.inputs) {
    out += "  " + name + " = " + spec::Hex(v) + "\n";
    std::smatch m;
    if (std::regex_match(name, m, kGroup)) groups[m[1]][std::stoul(m[2])] = v;
  }
  for (const auto& [name, v] : r.flags) {
    if (name.rfind("R-", 0) == 0) continue;  // rule constants, assumed true
    out += "  " + name + " = " + (v ? "true" : "false") + "\n";
  }
  for (const auto& [group, words] : groups) {
    const std::string kind = KindOf(group);
    if (kind.empty()) continue;
    std::vector<uint64_t> dw(words.rbegin()->first + 1, 0);
    for (const auto& [i, v] : words) dw[i] = v;
    auto text = conform::Explain(kind, dw, p);
    if (text) out += group + " as " + kind + ":\n" + *text;
  }
  return out;
}

QueryAnswer RunQuery(const std::string& text, const std::string& path, const spec::Profile& p,
                     const ProveOptions& options) {
  QueryAnswer a;
  z3::expr_vector asserted(Z3());
  try {
    asserted = Z3().parse_string(text.c_str(), z3::sort_vector(Z3()), QueryDecls());
  } catch (const z3::exception& e) {
    a.text = ParseError(e.msg(), path);
    return a;
  }
  Bool claim = true;
  std::set<std::string> named;  // rule constants the file constrains itself
  for (unsigned i = 0; i < asserted.size(); ++i) claim = claim && Bool(ExpandQuery(asserted[i], p, &named));
  std::vector<Assumption> rules;
  for (const std::string& r : QueryRules()) {
    if (!named.count(r)) rules.push_back({r, Bool::Var(r)});
  }
  const ProofResult r = Solve("query " + path, claim, rules, options);
  switch (r.verdict) {
    case Verdict::kCounterexample:
      a.kind = QueryAnswer::Kind::kSat;
      a.text = "sat\n" + FormatWitness(r, p);
      break;
    case Verdict::kProved: {
      a.kind = QueryAnswer::Kind::kUnsat;
      std::string core;
      for (const std::string& c : r.core) core += " " + c;
      a.text = "unsat\nrules:" +
               (core.empty() ? std::string(" none (the assertions are unsatisfiable whatever the rules)") : core) + "\n";
      break;
    }
    case Verdict::kUnknown:
      a.kind = QueryAnswer::Kind::kUnknown;
      a.text = "unknown: " + r.reason + "\n";
      break;
  }
  return a;
}

int QueryExitStatus(const QueryAnswer& a) {
  switch (a.kind) {
    case QueryAnswer::Kind::kSat:
    case QueryAnswer::Kind::kUnsat: return 0;
    case QueryAnswer::Kind::kUnknown: return 1;
    case QueryAnswer::Kind::kBadInput: return 2;
  }
  return 2;
}

}  // namespace smmuref::proofs
