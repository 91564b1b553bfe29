// Prove/Solve over Z3 with assumptions tracked by rule id (proofs/lib/prove.h).
// Tests: tests/proofs/lib_test.cc
#include "prove.h"

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

// Solves `goal` (the negated conjecture, or a claim) with the assumptions asserted as plain
// facts: Z3's non-incremental bit-vector path, much faster than assumption literals.
z3::check_result Run(z3::solver& s, const std::vector<Assumption>& assumptions,
                     const z3::expr* goal) {
  for (const Assumption& a : assumptions) s.add(a.fact.expr());
  if (goal) s.add(*goal);
  return s.check();
}

// The unsat core by rule id: the same query with one indicator literal per rule.
std::vector<std::string> Core(const z3::expr& goal, const std::vector<Assumption>& assumptions,
                              unsigned timeout_ms) {
  z3::context& c = Z3();
  z3::solver s(c);
  z3::params params(c);
  params.set("timeout", timeout_ms);
  s.set(params);
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
  if (s.check(indicators) != z3::unsat) {
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
  z3::params params(c);
  params.set("timeout", options.timeout_ms);
  auto finish = [&](ProofResult& out) {
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  };
  // A proof under contradictory assumptions would be vacuous.
  if (prove && !assumptions.empty()) {
    z3::solver v(c);
    v.set(params);
    const z3::check_result base = Run(v, assumptions, nullptr);
    if (base != z3::sat) {
      r.verdict = Verdict::kUnknown;
      r.reason = base == z3::unsat ? "the assumptions contradict each other (vacuous)"
                                   : "assumptions: " + v.reason_unknown();
      return finish(r);
    }
  }
  z3::solver s(c);
  s.set(params);
  const z3::check_result res = Run(s, assumptions, &goal);
  if (!options.dump_dir.empty()) {
    r.smt2_path = DumpSmt2(options.dump_dir, id, s, assumptions, false);
  }
  if (res == z3::unknown) {
    r.verdict = Verdict::kUnknown;
    r.reason = s.reason_unknown();
    if (r.reason == "canceled") r.reason = "timeout";
    return finish(r);
  }
  if (res == z3::unsat) {
    r.verdict = Verdict::kProved;  // Solve: unsat
    if (options.core && !assumptions.empty()) r.core = Core(goal, assumptions, options.timeout_ms);
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
  auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  Bool cover = false;
  for (const Case& c : cases) cover = cover || c.condition;
  ProveOptions o = options;
  ProofResult r = Prove(id + "/cases", cover, assumptions, o);
  std::set<std::string> core(r.core.begin(), r.core.end());
  for (size_t i = 0; i < cases.size() && r.verdict == Verdict::kProved; ++i) {
    const double left = options.timeout_ms - elapsed_ms();
    if (left <= 1) {
      r.verdict = Verdict::kUnknown;
      r.reason = "timeout (case " + cases[i].name + ")";
      break;
    }
    o.timeout_ms = static_cast<unsigned>(left);
    o.core = false;
    std::vector<Assumption> a = assumptions;
    a.push_back({"case: " + cases[i].name, cases[i].condition});
    std::string case_id = id + "[" + cases[i].name + "]";
    r = Prove(case_id, conjecture, a, o);
    if (r.verdict == Verdict::kUnknown && r.reason == "timeout") r.reason += " (case " + cases[i].name + ")";
    for (const std::string& c : r.core) {
      if (c.rfind("case: ", 0) != 0) core.insert(c);
    }
  }
  if (r.verdict == Verdict::kProved) {
    // Cases are proved without minimising cores: every assumption is listed.
    for (const Assumption& a : assumptions) core.insert(a.rule);
    r.core.assign(core.begin(), core.end());
  }
  r.id = id;
  r.seconds = elapsed_ms() / 1000;
  return r;
}

}  // namespace

ProofResult ProveParts(const std::string& id, const std::vector<Part>& parts,
                       const std::vector<Assumption>& assumptions, const ProveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ProofResult r;
  std::set<std::string> core;
  for (const Part& part : parts) {
    const double used =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ProveOptions o = options;
    if (used + 1 >= options.timeout_ms) {
      r.verdict = Verdict::kUnknown;
      r.reason = "timeout (before part " + part.name + ")";
      break;
    }
    o.timeout_ms = static_cast<unsigned>(options.timeout_ms - used);
    const std::string part_id = part.name.empty() ? id : id + "/" + part.name;
    std::vector<std::pair<std::string, double>> timings = r.parts;
    r = ProvePart(part_id, part.conjecture, assumptions, part.cases, o);
    timings.push_back({part.name, r.seconds});
    r.parts = timings;
    if (r.verdict != Verdict::kProved) {
      if (!part.name.empty() && r.verdict == Verdict::kUnknown) r.reason += " in part " + part.name;
      break;
    }
    core.insert(r.core.begin(), r.core.end());
  }
  if (r.verdict == Verdict::kProved) r.core.assign(core.begin(), core.end());
  r.id = id;
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
