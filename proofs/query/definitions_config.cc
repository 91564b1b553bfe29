// Query functions over structures: every field of every spec/fields table, and the STE and CD
// encodings (validity, each ILLEGAL rule, decoded fields) (definitions.h).
// Tests: tests/proofs/query_test.cc, corpus/queries/*.smt2
#include <algorithm>

#include "proofs/encodings/cd.h"
#include "proofs/encodings/fields.h"
#include "proofs/encodings/ste.h"
#include "proofs/query/definitions.h"
#include "smmuref/spec/tables.h"

namespace smmuref::proofs {

namespace {

// The rule ids of a list of violations, in order, each once.
std::vector<std::string> RuleIds(const Violations& v) {
  std::vector<std::string> ids;
  for (const auto& [rule, _] : v) {
    if (std::find(ids.begin(), ids.end(), rule) == ids.end()) ids.push_back(rule);
  }
  return ids;
}

std::vector<Bv> Vars(const std::string& prefix, unsigned n) {
  std::vector<Bv> v;
  for (unsigned i = 0; i < n; ++i) v.push_back(Bv::Var(prefix + std::to_string(i)));
  return v;
}

std::vector<std::string> Dw(unsigned n) { return DwParams(n); }

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string> kCdCtx = {"world", "s1stalld", "s2", "s2aa64"};

// The command fields (spec/fields/cmd.def has no whole-table accessor).
const std::vector<spec::Field>& CmdFields() {
  namespace c = spec::cmd;
  static const std::vector<spec::Field> f = {c::Opcode, c::SSec, c::SSV, c::SubstreamID, c::StreamID,
                                             c::NUM, c::SCALE, c::VMID, c::ASID, c::CS, c::MSH,
                                             c::MSIAttr, c::MSIData, c::Leaf, c::Range, c::TTL, c::TG,
                                             c::Addr, c::IPAddr, c::MSIAddr};
  return f;
}

struct Table {
  const char* prefix;
  std::vector<spec::Field> fields;
  unsigned dwords;
};

std::vector<Table> Tables() {
  auto of = [](const spec::FieldTable& t) {
    return std::vector<spec::Field>(t.fields, t.fields + t.count);
  };
  return {{"l1std", of(spec::L1StdTable()), 1}, {"ste", of(spec::SteTable()), 8},
          {"l1cd", of(spec::L1CdTable()), 1},   {"cd", of(spec::CdTable()), 8},
          {"desc1", of(spec::DescS1Table()), 1}, {"desc2", of(spec::DescS2Table()), 1},
          {"event", of(spec::EventTable()), 4}, {"cmd", CmdFields(), 2}};
}

}  // namespace

// The ILLEGAL rules the encodings report (the same list whatever the profile: a condition
// that a profile rules out is false, not absent).
const std::vector<std::string>& SteRuleIds() {
  static const std::vector<std::string> ids = [] {
    const spec::Profile full = *spec::LoadProfile("full");
    return RuleIds(EncodeSte(Vars("ste.dw", 8).data(), ConstantProfile(full)).illegal);
  }();
  return ids;
}

const std::vector<std::string>& CdRuleIds() {
  static const std::vector<std::string> ids = [] {
    const spec::Profile full = *spec::LoadProfile("full");
    const std::vector<Bv> c = Vars("ctx", 4);
    return RuleIds(EncodeCd(Vars("cd.dw", 8).data(), ConstantProfile(full), {c[0], c[1], c[2], c[3]}).illegal);
  }();
  return ids;
}

void AddConfigDefinitions(std::vector<QueryDefinition>& d) {
  auto bv = [&](const std::string& name, std::vector<std::string> params, const std::string& what,
                QueryBody body) { DefineBv(d, name, std::move(params), what, std::move(body)); };
  auto bl = [&](const std::string& name, std::vector<std::string> params, const std::string& what,
                QueryBody body) { DefineBool(d, name, std::move(params), what, std::move(body)); };
  for (const Table& t : Tables()) {
    for (const spec::Field& f : t.fields) {
      bv(std::string(t.prefix) + "." + f.name, Dw(t.dwords),
         std::string("field ") + f.name + " of the " + t.prefix + " (spec/fields)",
         [f](const std::vector<Bv>& a, const ProfileTerms&) { return FieldOf(a.data(), f).expr(); });
    }
  }
  // STE [IHI0070 §5.2]
  bl("ste-valid", Dw(8), "STE.V (R-STE-001)",
     [](const std::vector<Bv>& a, const ProfileTerms& p) { return EncodeSte(a.data(), p).valid.expr(); });
  bl("ste-abort", Dw(8), "V=1 and Config 0b0xx: abort without an event (R-STE-002)",
     [](const std::vector<Bv>& a, const ProfileTerms& p) {
       const SteMeaning m = EncodeSte(a.data(), p);
       return (m.valid && m.abort).expr();
     });
  for (const std::string& r : SteRuleIds()) {
    bl("ste-violates." + r, Dw(8), "the STE breaks " + r + " (ILLEGAL, C_BAD_STE)",
       [r](const std::vector<Bv>& a, const ProfileTerms& p) {
         return Violated(EncodeSte(a.data(), p).illegal, r).expr();
       });
  }
  const std::vector<std::pair<std::string, std::function<Bv(const SteMeaning&)>>> ste_fields = {
      {"s1", [](const SteMeaning& m) { return m.s1; }}, {"s2", [](const SteMeaning& m) { return m.s2; }},
      {"s1cdmax", [](const SteMeaning& m) { return m.s1cdmax; }},
      {"s1fmt", [](const SteMeaning& m) { return m.s1fmt; }},
      {"s1dss", [](const SteMeaning& m) { return m.s1dss; }},
      {"cd-ptr", [](const SteMeaning& m) { return m.s1_context_ptr; }},
      {"cd-ptr-bits", [](const SteMeaning& m) { return m.cd_ptr_bits; }},
      {"vmid", [](const SteMeaning& m) { return m.vmid; }}, {"el2", [](const SteMeaning& m) { return m.el2; }},
      {"privcfg", [](const SteMeaning& m) { return m.privcfg; }},
      {"instcfg", [](const SteMeaning& m) { return m.instcfg; }},
      {"s2-t0sz", [](const SteMeaning& m) { return m.s2_t0sz; }},
      {"s2-granule", [](const SteMeaning& m) { return m.s2_granule_shift; }},
      {"s2-start-level", [](const SteMeaning& m) { return m.s2_start_level; }},
      {"s2-concat", [](const SteMeaning& m) { return m.s2_concat; }},
      {"s2-ps-bits", [](const SteMeaning& m) { return m.s2_ps_bits; }},
      {"s2-ttb", [](const SteMeaning& m) { return m.s2_ttb; }}};
  for (const auto& [name, get] : ste_fields) {
    bv("ste-" + name, Dw(8), "decoded " + name + " of a legal STE (DecodeSte)",
       [get = get](const std::vector<Bv>& a, const ProfileTerms& p) { return get(EncodeSte(a.data(), p)).expr(); });
  }
  // CD [IHI0070 §5.4]
  const auto cd_params = Concat(kCdCtx, Dw(8));
  auto ctx_of = [](const std::vector<Bv>& a) { return CdContextTerms{a[0], a[1], a[2], a[3]}; };
  bl("cd-valid", cd_params, "CD.V (R-CD-001)",
     [ctx_of](const std::vector<Bv>& a, const ProfileTerms& p) {
       return EncodeCd(a.data() + 4, p, ctx_of(a)).valid.expr();
     });
  for (const std::string& r : CdRuleIds()) {
    bl("cd-violates." + r, cd_params, "the CD breaks " + r + " (ILLEGAL, C_BAD_CD)",
       [r, ctx_of](const std::vector<Bv>& a, const ProfileTerms& p) {
         return Violated(EncodeCd(a.data() + 4, p, ctx_of(a)).illegal, r).expr();
       });
  }
  bv("cd-asid", cd_params, "decoded ASID (0 in NS-EL2)", [ctx_of](const std::vector<Bv>& a, const ProfileTerms& p) {
    return EncodeCd(a.data() + 4, p, ctx_of(a)).asid.expr();
  });
  bv("cd-ips-bits", cd_params, "MIN(IPS, OAS) in bits", [ctx_of](const std::vector<Bv>& a, const ProfileTerms& p) {
    return EncodeCd(a.data() + 4, p, ctx_of(a)).ips_bits.expr();
  });
  for (unsigned h = 0; h < 2; ++h) {
    const std::string n = "cd-ttb" + std::to_string(h) + "-";
    const std::vector<std::pair<std::string, std::function<Bv(const CdHalfMeaning&)>>> hf = {
        {"enabled", [](const CdHalfMeaning& t) { return t.enabled; }},
        {"tsz", [](const CdHalfMeaning& t) { return t.tsz; }},
        {"granule", [](const CdHalfMeaning& t) { return t.granule_shift; }},
        {"ttb", [](const CdHalfMeaning& t) { return t.ttb; }}};
    for (const auto& [name, get] : hf) {
      bv(n + name, cd_params, "decoded " + name + " of TTB" + std::to_string(h),
         [h, get = get, ctx_of](const std::vector<Bv>& a, const ProfileTerms& p) {
           return get(EncodeCd(a.data() + 4, p, ctx_of(a)).half[h]).expr();
         });
    }
  }
}

}  // namespace smmuref::proofs
