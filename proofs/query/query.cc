// `smmuref query` over the prelude (query.h).
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2
#include "query.h"

#include <algorithm>
#include <map>
#include <set>

#include "proofs/query/prelude.h"
#include "smmuref/conform/explain.h"
#include "smmuref/spec/format.h"
#include "smmuref/spec/regex.h"

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
  static const spec::Regex kWhere(R"(line ([0-9]+) column ([0-9]+): ([^"]*))");
  if (const auto m = kWhere.Search(message)) {
    return path + ":" + (*m)[1] + ": " + OneLine((*m)[3]) + " (column " + (*m)[2] + ")";
  }
  const std::string what = OneLine(message);
  return path + ": " + (what.empty() ? std::string("Z3 rejected the file") : what);
}

// The widest bit-vector a query may name: the encodings use 64-bit words, so 4096 bits is
// ample, and a larger index (`(_ BitVec 440090002)`, `(_ bv0 N)`, `(_ zero_extend N)`,
// `(_ repeat N)`) would make Z3 allocate the whole vector while it parses, which is an
// out-of-memory, not an answer. Indices are checked before Z3 sees the text.
constexpr uint64_t kMaxIndex = 4096;

// The first indexed identifier `(_ NAME N...)` with an index above kMaxIndex, as a bad-input
// message "PATH:LINE: ...", or "" if there is none. Comments, string literals and |quoted|
// symbols are skipped; the value part of a literal `(_ bvV W)` is a value, not an index.
std::string OversizedIndex(const std::string& text, const std::string& path) {
  const size_t n = text.size();
  unsigned line = 1;
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == ';') {
      while (i + 1 < n && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '|') {
      for (++i; i < n && text[i] != c; ++i) line += text[i] == '\n';
    } else if (c == '(') {
      size_t j = i + 1;
      while (j < n && space(text[j])) line += text[j++] == '\n';
      if (j >= n || text[j] != '_' || (j + 1 < n && !space(text[j + 1]) && text[j + 1] != '(')) {
        i = j - 1;  // the white space skipped is counted; go on from what follows it
        continue;
      }
      ++j;
      const unsigned at = line;
      while (j < n && space(text[j])) line += text[j++] == '\n';
      const size_t name_start = j;
      while (j < n && !space(text[j]) && text[j] != '(' && text[j] != ')') ++j;
      const std::string name = text.substr(name_start, j - name_start);
      for (;;) {
        while (j < n && space(text[j])) line += text[j++] == '\n';
        if (j >= n || !digit(text[j])) break;
        size_t k = j;
        while (k < n && digit(text[k])) ++k;
        const std::string num = text.substr(j, k - j);
        // More than 4 significant digits is above kMaxIndex without converting.
        const size_t first = num.find_first_not_of('0');
        const std::string sig = first == std::string::npos ? "0" : num.substr(first);
        if (sig.size() > 4 || std::stoull(sig) > kMaxIndex) {
          return path + ":" + std::to_string(at) + ": index " + num + " of (_ " + name +
                 " ...) is above " + std::to_string(kMaxIndex) +
                 " (smmuref query refuses bit-vector widths and indices above that)";
        }
        j = k;
      }
      i = j - 1;
    }
  }
  return "";
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
  static const spec::Regex kGroup(R"((.+)\.dw([0-9]))");
  for (const auto& [name, v] : r.inputs) {
    out += "  " + name + " = " + spec::Hex(v) + "\n";
    if (const auto m = kGroup.Match(name)) groups[(*m)[1]][std::stoul((*m)[2])] = v;
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
  if (std::string big = OversizedIndex(text, path); !big.empty()) {
    a.text = big;
    return a;
  }
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
