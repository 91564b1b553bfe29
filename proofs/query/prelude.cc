// The query functions: declarations and their expansion into the encodings (prelude.h).
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2
#include "prelude.h"

#include <map>
#include <set>
#include <unordered_map>

#include "proofs/encodings/cd.h"
#include "proofs/encodings/ste.h"
#include "proofs/query/definitions.h"

namespace smmuref::proofs {

namespace {

const std::vector<QueryDefinition>& AllDefinitions() {
  static const std::vector<QueryDefinition> d = [] {
    std::vector<QueryDefinition> v;
    AddConfigDefinitions(v);
    AddWalkDefinitions(v);
    const std::vector<std::string> ste = DwParams(8);
    std::vector<std::string> cd = {"world", "s1stalld", "s2", "s2aa64"};
    for (const std::string& p : DwParams(8)) cd.push_back(p);
    // ste-legal / cd-legal: validity and every rule, each behind its rule constant.
    DefineBool(v, "ste-legal", ste, "valid, not abort, and no ILLEGAL rule broken (each rule tracked)",
               [](const std::vector<Bv>& a, const ProfileTerms& p) {
                 const SteMeaning m = EncodeSte(a.data(), p);
                 Bool ok = Implies(Bool::Var("R-STE-001"), m.valid) &&
                           Implies(Bool::Var("R-STE-002"), !m.abort);
                 for (const std::string& r : SteRuleIds()) {
                   ok = ok && Implies(Bool::Var(r), !Violated(m.illegal, r));
                 }
                 return ok.expr();
               });
    DefineBool(v, "cd-legal", cd, "valid and no ILLEGAL rule broken (each rule tracked)",
               [](const std::vector<Bv>& a, const ProfileTerms& p) {
                 const CdMeaning m = EncodeCd(a.data() + 4, p, CdContextTerms{a[0], a[1], a[2], a[3]});
                 Bool ok = Implies(Bool::Var("R-CD-001"), m.valid);
                 for (const std::string& r : CdRuleIds()) {
                   ok = ok && Implies(Bool::Var(r), !Violated(m.illegal, r));
                 }
                 return ok.expr();
               });
    return v;
  }();
  return d;
}

// The encodings of one profile, by declaration id.
struct Expander {
  explicit Expander(const spec::Profile& p) : terms(ConstantProfile(p)) {
    const z3::func_decl_vector& decls = QueryDecls();
    const unsigned n = static_cast<unsigned>(AllDefinitions().size());
    for (unsigned i = 0; i < n; ++i) index[decls[i].id()] = i;
    for (unsigned i = n; i < decls.size(); ++i) rules.insert(decls[i].id());
  }
  ProfileTerms terms;
  std::unordered_map<unsigned, unsigned> index;  // declaration id -> AllDefinitions() index
  std::set<unsigned> rules;                       // declaration ids of the rule constants
};

// The rebuilt form of `e`, its children already in `done`.
z3::expr Rebuild(const z3::expr& e, const Expander& x,
                 const std::unordered_map<unsigned, z3::expr>& done) {
  if (!e.is_app() && !e.is_quantifier()) return e;  // a bound variable
  if (e.is_quantifier()) {
    Z3_ast body = done.at(e.body().id());
    return z3::expr(e.ctx(), Z3_update_term(e.ctx(), e, 1, &body));
  }
  const unsigned n = e.num_args();
  auto it = x.index.find(e.decl().id());
  if (it != x.index.end()) {
    std::vector<Bv> args;
    for (unsigned i = 0; i < n; ++i) args.push_back(Bv(done.at(e.arg(i).id())));
    return AllDefinitions()[it->second].body(args, x.terms);
  }
  if (n == 0) return e;
  std::vector<Z3_ast> args;
  for (unsigned i = 0; i < n; ++i) args.push_back(done.at(e.arg(i).id()));
  return z3::expr(e.ctx(), Z3_update_term(e.ctx(), e, n, args.data()));
}

std::vector<z3::expr> Children(const z3::expr& e) {
  std::vector<z3::expr> c;
  if (e.is_quantifier()) {
    c.push_back(e.body());
  } else if (e.is_app()) {
    for (unsigned i = 0; i < e.num_args(); ++i) c.push_back(e.arg(i));
  }
  return c;
}

}  // namespace

void DefineBv(std::vector<QueryDefinition>& d, const std::string& name,
              std::vector<std::string> params, const std::string& meaning, QueryBody body) {
  d.push_back({{name, std::move(params), false, meaning}, std::move(body)});
}

void DefineBool(std::vector<QueryDefinition>& d, const std::string& name,
                std::vector<std::string> params, const std::string& meaning, QueryBody body) {
  d.push_back({{name, std::move(params), true, meaning}, std::move(body)});
}

std::vector<std::string> DwParams(unsigned n) {
  std::vector<std::string> v;
  for (unsigned i = 0; i < n; ++i) v.push_back("dw" + std::to_string(i));
  return v;
}

const std::vector<QueryFunction>& QueryFunctions() {
  static const std::vector<QueryFunction> f = [] {
    std::vector<QueryFunction> v;
    for (const QueryDefinition& d : AllDefinitions()) v.push_back(d.f);
    return v;
  }();
  return f;
}

const std::vector<std::string>& QueryRules() {
  static const std::vector<std::string> r = [] {
    std::vector<std::string> v = {"R-STE-001", "R-STE-002"};
    for (const std::string& x : SteRuleIds()) v.push_back(x);
    v.push_back("R-CD-001");
    for (const std::string& x : CdRuleIds()) v.push_back(x);
    return v;
  }();
  return r;
}

const z3::func_decl_vector& QueryDecls() {
  static const z3::func_decl_vector decls = [] {
    z3::func_decl_vector v(Z3());
    const z3::sort bv = Z3().bv_sort(Bv::kWidth);
    for (const QueryFunction& f : QueryFunctions()) {
      z3::sort_vector domain(Z3());
      for (size_t i = 0; i < f.params.size(); ++i) domain.push_back(bv);
      v.push_back(Z3().function(f.name.c_str(), domain, f.boolean ? Z3().bool_sort() : bv));
    }
    for (const std::string& r : QueryRules()) v.push_back(Z3().bool_const(r.c_str()).decl());
    return v;
  }();
  return decls;
}

z3::expr ExpandQuery(const z3::expr& root, const spec::Profile& p, std::set<std::string>* mentioned) {
  static std::map<std::string, Expander> expanders;
  std::string key = p.name;
  for (const auto& [k, v] : spec::ProfileValues(p)) key += " " + k + "=" + std::to_string(v);
  const Expander& x = expanders.try_emplace(key, p).first->second;
  std::unordered_map<unsigned, z3::expr> done;
  std::vector<std::pair<z3::expr, bool>> stack = {{root, false}};  // (node, children pushed)
  while (!stack.empty()) {
    auto [e, expanded] = stack.back();
    if (done.count(e.id())) {
      stack.pop_back();
      continue;
    }
    if (!expanded) {
      stack.back().second = true;
      for (const z3::expr& c : Children(e)) {
        if (!done.count(c.id())) stack.push_back({c, false});
      }
      continue;
    }
    stack.pop_back();
    if (e.is_const() && x.rules.count(e.decl().id())) mentioned->insert(e.decl().name().str());
    done.emplace(e.id(), Rebuild(e, x, done));
  }
  return done.at(root.id());
}

std::string QuerySignatures() {
  std::string out;
  for (const QueryFunction& f : QueryFunctions()) {
    out += "(declare-fun " + f.name + " (";
    for (size_t i = 0; i < f.params.size(); ++i) out += (i ? " " : "") + std::string("(_ BitVec 64)");
    out += std::string(") ") + (f.boolean ? "Bool" : "(_ BitVec 64)") + ")  ; (";
    for (size_t i = 0; i < f.params.size(); ++i) out += (i ? " " : "") + f.params[i];
    out += ") " + f.meaning + "\n";
  }
  for (const std::string& r : QueryRules()) out += "(declare-const |" + r + "| Bool)  ; assumed true\n";
  return out;
}

}  // namespace smmuref::proofs
