// Prove/Solve over Z3 with assumptions tracked by rule id (proofs/lib/prove.h).
// Tests: tests/proofs/lib_test.cc
#include "prove.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

namespace smmuref::proofs {

namespace {

// The free constants of a term (inputs of the query), collected once per node.
void CollectInputs(const z3::expr& e, std::set<unsigned>& seen, std::vector<z3::expr>& out) {
  if (!seen.insert(e.id()).second) return;
  if (e.is_app() && e.num_args() == 0 && e.decl().decl_kind() == Z3_OP_UNINTERPRETED) {
    out.push_back(e);
    return;
  }
  if (e.is_app()) {
    for (unsigned i = 0; i < e.num_args(); ++i) CollectInputs(e.arg(i), seen, out);
  } else if (e.is_quantifier()) {
    CollectInputs(e.body(), seen, out);
  }
}

std::string SafeFileName(const std::string& id) {
  std::string file;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    file += ok ? c : '_';
  }
  return file;
}

// Writes the query as SMT-LIB 2: the solver's declarations and assertions (each assumption
// named in a comment), the negated goal, (check-sat); plus, for a core, the assumptions as
// indicator literals and (check-sat-assuming ...).
std::string DumpSmt2(const std::string& dir, const std::string& id, z3::solver& s,
                     const std::vector<Assumption>& assumptions, bool with_core) {
  std::filesystem::create_directories(dir);
  const std::string path = (std::filesystem::path(dir) / (SafeFileName(id) + ".smt2")).string();
  std::ofstream out(path);
  out << "; smmuref " << id << ": unsat = proved (or: the claim is impossible), sat = "
      << "counterexample (or: witness)\n";
  for (size_t i = 0; i < assumptions.size(); ++i) {
    out << "; assumption " << i + 1 << ": " << assumptions[i].rule << "\n";
  }
  if (with_core) out << "(set-option :produce-unsat-cores true)\n";
  out << s.to_smt2();
  if (with_core) out << "(get-unsat-core)\n";
  return path;
}

// Z3's resource counter is per context and only grows: the units a check used are the
// difference from the last value seen.
uint64_t g_rlimit_seen = 0;
uint64_t RlimitUsed(z3::solver& s) {
  const z3::stats st = s.statistics();
  for (unsigned i = 0; i < st.size(); ++i) {
    if (st.key(i) != "rlimit count") continue;
    const uint64_t now = st.is_uint(i) ? st.uint_value(i) : static_cast<uint64_t>(st.double_value(i));
    const uint64_t used = now > g_rlimit_seen ? now - g_rlimit_seen : 0;
    g_rlimit_seen = now;
    return used;
  }
  return 0;
}

// Solves `goal` (the negated conjecture, or a claim) with the assumptions asserted as plain
// facts: Z3's non-incremental bit-vector path, much faster than assumption literals.
z3::check_result Run(z3::solver& s, const std::vector<Assumption>& assumptions,
                     const z3::expr* goal, uint64_t* rlimit) {
  for (const Assumption& a : assumptions) s.add(a.fact.expr());
  if (goal) s.add(*goal);
  const z3::check_result r = s.check();
  *rlimit += RlimitUsed(s);
  return r;
}

z3::params Budget(const ProveOptions& o) {
  z3::params params(Z3());
  params.set("timeout", o.timeout_ms);
  params.set("rlimit", static_cast<unsigned>(std::min<uint64_t>(o.rlimit, 0xffffffffu)));
  return params;
}

std::string UnknownReason(z3::solver& s) {
  std::string reason = s.reason_unknown();
  if (reason == "canceled" || reason.find("resource") != std::string::npos) {
    return "budget exhausted (" + reason + ")";
  }
  if (reason == "timeout") return "timeout";
  return reason;
}

// The unsat core by rule id: the same query with one indicator literal per rule.
std::vector<std::string> Core(const z3::expr& goal, const std::vector<Assumption>& assumptions,
                              const ProveOptions& o) {
  z3::context& c = Z3();
  z3::solver s(c);
  s.set(Budget(o));
  std::map<std::string, z3::expr> by_rule;
  z3::expr_vector indicators(c);
  for (const Assumption& a : assumptions) {
    auto it = by_rule.find(a.rule);
    if (it == by_rule.end()) {
      it = by_rule.emplace(a.rule, c.bool_const(("assume " + a.rule).c_str())).first;
      indicators.push_back(it->second);
    }
    s.add(z3::implies(it->second, a.fact.expr()));
  }
  s.add(goal);
  std::vector<std::string> names;
  const z3::check_result res = s.check(indicators);
  RlimitUsed(s);
  if (res != z3::unsat) {
    for (const auto& [rule, lit] : by_rule) names.push_back(rule + " (core not minimised)");
    return names;
  }
  const z3::expr_vector core = s.unsat_core();
  for (unsigned i = 0; i < core.size(); ++i) {
    std::string name = core[i].decl().name().str();
    if (name.rfind("assume ", 0) == 0) name = name.substr(7);
    names.push_back(name);
  }
  return names;
}

ProofResult Check(const std::string& id, const z3::expr& goal,
                  const std::vector<Assumption>& assumptions, const ProveOptions& options,
                  bool prove) {
  const auto start = std::chrono::steady_clock::now();
  ProofResult r;
  r.id = id;
  z3::context& c = Z3();
  const z3::params params = Budget(options);
  auto finish = [&](ProofResult& out) {
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  };
  // A proof under contradictory assumptions would be vacuous.
  if (prove && !assumptions.empty()) {
    z3::solver v(c);
    v.set(params);
    const z3::check_result base = Run(v, assumptions, nullptr, &r.rlimit);
    if (base != z3::sat) {
      r.verdict = Verdict::kUnknown;
      r.reason = base == z3::unsat ? "the assumptions contradict each other (vacuous)"
                                   : "assumptions: " + UnknownReason(v);
      return finish(r);
    }
  }
  z3::solver s(c);
  s.set(params);
  const z3::check_result res = Run(s, assumptions, &goal, &r.rlimit);
  if (!options.dump_dir.empty()) {
    r.smt2_path = DumpSmt2(options.dump_dir, id, s, assumptions, false);
  }
  if (res == z3::unknown) {
    r.verdict = Verdict::kUnknown;
    r.reason = UnknownReason(s);
    return finish(r);
  }
  if (res == z3::unsat) {
    r.verdict = Verdict::kProved;  // Solve: unsat
    if (options.core && !assumptions.empty()) r.core = Core(goal, assumptions, options);
    return finish(r);
  }
  r.verdict = Verdict::kCounterexample;
  const z3::model m = s.get_model();
  std::set<unsigned> seen;
  std::vector<z3::expr> inputs;
  CollectInputs(goal, seen, inputs);
  for (const Assumption& a : assumptions) CollectInputs(a.fact.expr(), seen, inputs);
  for (const z3::expr& in : inputs) {
    const z3::expr v = m.eval(in, true);
    const std::string name = in.decl().name().str();
    if (in.is_bool()) {
      r.flags[name] = v.is_true();
    } else if (in.is_bv()) {
      uint64_t value = 0;
      v.is_numeral_u64(value);
      r.inputs[name] = value;
    }
  }
  return finish(r);
}

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kProved: return "proved";
    case Verdict::kCounterexample: return "counterexample";
    case Verdict::kUnknown: return "unknown";
  }
  return "unknown";
}

ProofResult Prove(const std::string& id, const Bool& conjecture,
                  const std::vector<Assumption>& assumptions, const ProveOptions& options) {
  return Check(id, !conjecture.expr(), assumptions, options, true);
}

ProofResult Solve(const std::string& id, const Bool& claim,
                  const std::vector<Assumption>& assumptions, const ProveOptions& options) {
  return Check(id, claim.expr(), assumptions, options, false);
}

ProofResult ProveByCases(const std::string& id, const Bool& conjecture,
                         const std::vector<Assumption>& assumptions,
                         const std::vector<Case>& cases, const ProveOptions& options) {
  return ProveParts(id, {{"", conjecture, cases}}, assumptions, options);
}

namespace {

ProofResult ProvePart(const std::string& id, const Bool& conjecture,
                      const std::vector<Assumption>& assumptions, std::vector<Case> cases,
                      const ProveOptions& options) {
  if (cases.empty()) cases.push_back({"all", Bool(true)});
  const auto start = std::chrono::steady_clock::now();
  Bool cover = false;
  for (const Case& c : cases) cover = cover || c.condition;
  ProveOptions o = options;
  ProofResult r = Prove(id + "/cases", cover, assumptions, o);
  uint64_t used = r.rlimit;
  std::set<std::string> core(r.core.begin(), r.core.end());
  for (size_t i = 0; i < cases.size() && r.verdict == Verdict::kProved; ++i) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (used >= options.rlimit || ms >= options.timeout_ms) {
      r.verdict = Verdict::kUnknown;
      r.reason = std::string(used >= options.rlimit ? "budget exhausted" : "timeout") +
                 " (before case " + cases[i].name + ")";
      break;
    }
    o.rlimit = options.rlimit - used;
    o.timeout_ms = static_cast<unsigned>(options.timeout_ms - ms);
    o.core = false;
    std::vector<Assumption> a = assumptions;
    a.push_back({"case: " + cases[i].name, cases[i].condition});
    r = Prove(id + "[" + cases[i].name + "]", conjecture, a, o);
    used += r.rlimit;
    if (r.verdict == Verdict::kUnknown) r.reason += " (case " + cases[i].name + ")";
  }
  if (r.verdict == Verdict::kProved) {
    // Cases are proved without minimising cores: every assumption is listed.
    for (const Assumption& a : assumptions) core.insert(a.rule);
    r.core.assign(core.begin(), core.end());
  }
  r.id = id;
  r.rlimit = used;
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace

ProofResult ProveParts(const std::string& id, const std::vector<Part>& parts,
                       const std::vector<Assumption>& assumptions, const ProveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ProofResult r;
  std::set<std::string> core;
  std::vector<std::pair<std::string, double>> timings;
  uint64_t used = 0;
  for (const Part& part : parts) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (used >= options.rlimit || ms >= options.timeout_ms) {
      r.verdict = Verdict::kUnknown;
      r.reason = std::string(used >= options.rlimit ? "budget exhausted" : "timeout") +
                 " (before part " + part.name + ")";
      break;
    }
    ProveOptions o = options;
    o.rlimit = options.rlimit - used;
    o.timeout_ms = static_cast<unsigned>(options.timeout_ms - ms);
    const std::string part_id = part.name.empty() ? id : id + "/" + part.name;
    r = ProvePart(part_id, part.conjecture, assumptions, part.cases, o);
    used += r.rlimit;
    timings.push_back({part.name, r.seconds});
    if (r.verdict != Verdict::kProved) {
      if (!part.name.empty() && r.verdict == Verdict::kUnknown) r.reason += " in part " + part.name;
      break;
    }
    core.insert(r.core.begin(), r.core.end());
  }
  if (r.verdict == Verdict::kProved) r.core.assign(core.begin(), core.end());
  r.id = id;
  r.parts = timings;
  r.rlimit = used;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::vector<Case> CasesBelow(const std::string& label, const Bv& term, uint64_t n) {
  std::vector<Case> out;
  for (uint64_t v = 0; v < n; ++v) out.push_back({label + "=" + std::to_string(v), term == Bv(v)});
  return out;
}

std::vector<Case> CasesOf(const std::string& label, const Bv& term,
                          const std::vector<uint64_t>& values) {
  std::vector<Case> out;
  for (uint64_t v : values) out.push_back({label + "=" + std::to_string(v), term == Bv(v)});
  return out;
}

std::vector<Case> Product(const std::vector<Case>& a, const std::vector<Case>& b) {
  std::vector<Case> out;
  for (const Case& x : a) {
    for (const Case& y : b) out.push_back({x.name + "," + y.name, x.condition && y.condition});
  }
  return out;
}

uint64_t Input(const ProofResult& r, const std::string& name) {
  auto it = r.inputs.find(name);
  return it == r.inputs.end() ? 0 : it->second;
}

}  // namespace smmuref::proofs
