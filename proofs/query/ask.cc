// The canned questions (ask.h): dispatch, STE/CD legality, PASID 0 and CD[0], and the page
// sizes a multi-instance domain accepts. hitless and iova-for-pa are in ask_hitless.cc and
// ask_iova.cc.
// Tests: tests/proofs/query_test.cc, corpus/queries/*.ask
#include "ask.h"

#include <functional>

#include "proofs/encodings/api.h"
#include "proofs/encodings/cd.h"
#include "proofs/encodings/ste.h"
#include "proofs/query/ask_args.h"
#include "proofs/query/ask_internal.h"
#include "proofs/query/query.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

using spec::Hex;

namespace {

AskResult Bad(const std::string& question, const std::string& why) {
  return {2, "smmuref query --ask " + question + ": " + why + "\n"};
}

// The value of a closed term (every input constant), by simplification.
bool IsTrue(const Bool& b) { return b.expr().simplify().is_true(); }

std::vector<Bv> Constants(const std::vector<uint64_t>& w) {
  std::vector<Bv> v;
  for (uint64_t x : w) v.push_back(Bv(x));
  return v;
}

std::string ViolationList(const Violations& v, const std::vector<std::string>& rules) {
  std::string out;
  for (const std::string& r : rules) {
    if (IsTrue(Violated(v, r))) out += " " + r;
  }
  return out;
}

AskResult SteLegal(const std::vector<std::string>& words) {
  auto a = ParseAskArgs(words, {"--profile"});
  if (!a) return Bad("ste-legal", a.error().message);
  auto p = AskProfile(*a);
  if (!p) return Bad("ste-legal", p.error().message);
  auto w = AskWords(*a, 0, 8, "an STE");
  if (!w) return Bad("ste-legal", w.error().message);
  const SteMeaning m = EncodeSte(Constants(*w).data(), ConstantProfile(*p));
  if (!IsTrue(m.valid)) return {0, "invalid: V=0 (R-STE-001, C_BAD_STE)\n"};
  if (IsTrue(m.abort)) return {0, "abort: Config 0b0xx, aborts without an event (R-STE-002)\n"};
  const std::string bad = ViolationList(m.illegal, AskSteRules());
  if (bad.empty()) return {0, "legal\n"};
  return {0, "illegal (C_BAD_STE):" + bad + "\n"};
}

AskResult CdLegal(const std::vector<std::string>& words) {
  auto a = ParseAskArgs(words, {"--profile", "--world", "--s1stalld", "--s2", "--s2aa64"});
  if (!a) return Bad("cd-legal", a.error().message);
  auto p = AskProfile(*a);
  if (!p) return Bad("cd-legal", p.error().message);
  auto w = AskWords(*a, 0, 8, "a CD");
  if (!w) return Bad("cd-legal", w.error().message);
  uint64_t world = 0;
  if (auto it = a->options.find("--world"); it != a->options.end()) {
    if (it->second == "el1") world = 0;
    else if (it->second == "el2") world = 1;
    else if (it->second == "el2-e2h") world = 2;
    else return Bad("cd-legal", "--world is el1, el2 or el2-e2h, got '" + it->second + "'");
  }
  uint64_t flag[3] = {0, 0, 1};
  const char* names[3] = {"--s1stalld", "--s2", "--s2aa64"};
  for (int i = 0; i < 3; ++i) {
    if (auto it = a->options.find(names[i]); it != a->options.end()) {
      auto v = AskNumber(names[i], it->second, 1);
      if (!v) return Bad("cd-legal", v.error().message);
      flag[i] = *v;
    }
  }
  const CdContextTerms ctx{Bv(world), Bv(flag[0]), Bv(flag[1]), Bv(flag[2])};
  const CdMeaning m = EncodeCd(Constants(*w).data(), ConstantProfile(*p), ctx);
  if (!IsTrue(m.valid)) return {0, "invalid: V=0 (R-CD-001, C_BAD_CD)\n"};
  const std::string bad = ViolationList(m.illegal, AskCdRules());
  if (bad.empty()) return {0, "legal\n"};
  return {0, "illegal (C_BAD_CD):" + bad + "\n"};
}

// Substream selection as rule-tracked facts over a result variable, so that an unsat answer
// names the rules (the function form of encodings/strtab.cc, relational here).
std::vector<Assumption> SelectionRules(const Bv& ssv, const Bv& ssid, const Bv& cdmax,
                                       const Bv& dss, const Bv& out, const Bv& index) {
  const Bool with = ssv != Bv(0), beyond = (ssid >> cdmax) != Bv(0);
  return {
      {"R-TXN-010", Implies(with && beyond, out == Bv(2))},
      {"R-TXN-011", Implies(with && !beyond && ssid == Bv(0) && dss == Bv(2), out == Bv(3))},
      {"R-CD-019", Implies(with && !beyond && !(ssid == Bv(0) && dss == Bv(2)),
                           out == Bv(0) && index == ssid)},
      {"R-TXN-012", Implies(!with, Select(dss == Bv(1), out == Bv(1),
                                          Select(dss == Bv(2), out == Bv(0) && index == Bv(0),
                                                 out == Bv(3))))}};
}

AskResult Pasid0ReachesCd(const std::vector<std::string>& words, const ProveOptions& o) {
  auto a = ParseAskArgs(words, {"--s1dss", "--min-pasid", "--profile"});
  if (!a) return Bad("pasid0-reaches-cd", a.error().message);
  if (!a->positional.empty()) return Bad("pasid0-reaches-cd", "unexpected '" + a->positional[0] + "'");
  if (!a->options.count("--s1dss") || !a->options.count("--min-pasid")) {
    return Bad("pasid0-reaches-cd", "needs --s1dss V and --min-pasid N");
  }
  auto dss = AskNumber("--s1dss", a->options["--s1dss"], 3);
  auto minp = AskNumber("--min-pasid", a->options["--min-pasid"], 0xfffff);
  auto p = AskProfile(*a);
  if (!dss) return Bad("pasid0-reaches-cd", dss.error().message);
  if (!minp) return Bad("pasid0-reaches-cd", minp.error().message);
  if (!p) return Bad("pasid0-reaches-cd", p.error().message);
  if (p->ssidsize == 0) {
    return {0, "profile " + p->name + " has no SubstreamIDs (SSIDSIZE=0): every transaction uses the one CD "
               "at S1ContextPtr (R-STE-012, R-CD-018)\n"};
  }
  const uint64_t decoded = *dss == 3 ? 0 : *dss;  // R-STE-013: 0b11 behaves as 0b00
  std::string text = "S1DSS=" + spec::Bin(*dss, 2) + ", min_pasid=" + std::to_string(*minp) +
                     ", profile " + p->name + " (SSIDSIZE=" + std::to_string(p->ssidsize) + "):\n";
  for (int with = 0; with < 2; ++with) {
    const Bv ssid = Bv::Var("SubstreamID"), cdmax = Bv::Var("S1CDMax"), out = Bv::Var("outcome"),
             index = Bv::Var("index");
    std::vector<Assumption> rules = SelectionRules(Bv(with), ssid, cdmax, Bv(decoded), out, index);
    rules.push_back({"R-STE-009/R-STE-012: substreams on (1 <= S1CDMax <= SSIDSIZE)",
                     cdmax >= Bv(1) && cdmax <= Bv(p->ssidsize)});
    // R-API-011: the OS hands out PASIDs from max(min_pasid, the instance floor) up.
    if (with) rules.push_back({"R-API-011", ssid >= Bv(*minp)});
    const Bool claim = out == Bv(0) && index == Bv(0) && (with ? ssid == Bv(0) : Bool(true));
    const ProofResult r = Solve(std::string("pasid0-reaches-cd/") + (with ? "with" : "without"), claim, rules, o);
    text += with ? "  with SubstreamID 0 (PASID 0): " : "  without a SubstreamID: ";
    if (r.verdict == Verdict::kCounterexample) {
      text += "yes, it uses CD[0]; witness: S1CDMax=" + std::to_string(Input(r, "S1CDMax")) + "\n";
    } else if (r.verdict == Verdict::kProved) {
      std::string core;
      for (const std::string& c : r.core) core += " " + c;
      text += "no (unsat; rules:" + core + ")\n";
    } else {
      return {1, text + "unknown: " + r.reason + "\n"};
    }
  }
  return {0, text};
}

// An instance of a domain: page sizes and address sizes.
struct InstanceSpec {
  uint64_t bitmap = 0;
  uint64_t ias = 48, oas = 48;
  std::string text;
};

spec::Result<InstanceSpec> ParseInstance(const std::string& s) {
  InstanceSpec in;
  in.text = s;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find(',', start), s.size());
    const std::string item = s.substr(start, end - start);
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      // sizes: 4K+2M+1G
      size_t a = 0;
      while (a <= item.size()) {
        const size_t b = std::min(item.find('+', a), item.size());
        std::string size = item.substr(a, b - a);
        uint64_t mult = 1;
        if (!size.empty() && (size.back() == 'K' || size.back() == 'M' || size.back() == 'G' || size.back() == 'T')) {
          mult = size.back() == 'K' ? 1ull << 10 : size.back() == 'M' ? 1ull << 20 : size.back() == 'G' ? 1ull << 30 : 1ull << 40;
          size.pop_back();
        }
        auto v = AskNumber("a page size in '" + s + "'", size, 1ull << 24);
        if (!v) return v.error();
        const uint64_t bytes = *v * mult;
        if (bytes == 0 || (bytes & (bytes - 1)) != 0) return spec::Error{"", "page size " + item + " is not a power of two"};
        in.bitmap |= bytes;
        a = b + 1;
      }
    } else {
      const std::string key = item.substr(0, eq);
      auto v = AskNumber(key + " in '" + s + "'", item.substr(eq + 1));
      if (!v) return v.error();
      if (key == "pgsize") in.bitmap = *v;
      else if (key == "ias" && *v >= 12 && *v <= 52) in.ias = *v;
      else if (key == "oas" && *v >= 12 && *v <= 52) in.oas = *v;
      else return spec::Error{"", "unknown or out-of-range '" + item + "' (pgsize=, ias=12..52, oas=12..52)"};
    }
    start = end + 1;
  }
  if (in.bitmap == 0) return spec::Error{"", "instance '" + s + "' has no page size"};
  return in;
}

// R-MAP-003 / ChunkInRange: a map of size > 0 that a domain with this bitmap and sizes accepts.
Bool Accepts(const Bv& bitmap, const Bv& ias, const Bv& oas, const Bv& iova, const Bv& pa, const Bv& size) {
  const Bv min = MinPageSizeTerm(bitmap);
  const Bv last = size - Bv(1);
  return size != Bv(0) && ((iova | pa | size) & (min - Bv(1))) == Bv(0) && iova + last >= iova &&
         pa + last >= pa && ((iova + last) >> ias) == Bv(0) && ((pa + last) >> oas) == Bv(0);
}

AskResult DomainAccepts(const std::vector<std::string>& words, const ProveOptions& o) {
  std::vector<InstanceSpec> inst;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--instances") continue;
    auto in = ParseInstance(words[i]);
    if (!in) return Bad("domain-accepts", in.error().message);
    inst.push_back(*in);
  }
  if (words.empty() || words[0] != "--instances" || inst.empty()) {
    return Bad("domain-accepts", "needs --instances SPEC [SPEC...]");
  }
  // R-DOM-005: minimum page = the largest of the minimums; bitmap = the union from it up; IAS
  // and OAS the smallest (domain_scope=legacy_cross_instance).
  uint64_t bitmap = inst[0].bitmap, ias = inst[0].ias, oas = inst[0].oas;
  for (size_t i = 1; i < inst.size(); ++i) {
    const uint64_t min = std::max(bitmap & (0 - bitmap), inst[i].bitmap & (0 - inst[i].bitmap));
    bitmap = (bitmap | inst[i].bitmap) & ~(min - 1);
    ias = std::min(ias, inst[i].ias);
    oas = std::min(oas, inst[i].oas);
  }
  const uint64_t min = bitmap & (0 - bitmap);
  std::string text = "domain over " + std::to_string(inst.size()) + " instance(s) (R-DOM-005, domain_scope="
                     "legacy_cross_instance when more than one):\n  page sizes " + Hex(bitmap) +
                     ", minimum page size " + Hex(min) + ", IAS " + std::to_string(ias) + ", OAS " +
                     std::to_string(oas) + "\n  accepts map(iova, paddr, size) with size > 0 exactly "
                     "when iova, paddr and size are multiples of " + Hex(min) + ", iova + size <= 2^" +
                     std::to_string(ias) + " and paddr + size <= 2^" + std::to_string(oas) +
                     " (R-MAP-003, R-MAP-005); size 0 always succeeds (R-MAP-007)\n";
  const Bv iova = Bv::Var("iova"), pa = Bv::Var("paddr"), size = Bv::Var("size");
  const Bool dom = Accepts(Bv(bitmap), Bv(ias), Bv(oas), iova, pa, size);
  for (size_t i = 0; i < inst.size(); ++i) {
    const Bool alone = Accepts(Bv(inst[i].bitmap), Bv(inst[i].ias), Bv(inst[i].oas), iova, pa, size);
    const ProofResult r = Solve("domain-accepts", alone && !dom, {}, o);
    text += "  instance " + inst[i].text + " alone accepts, the domain rejects: ";
    if (r.verdict == Verdict::kCounterexample) {
      text += "map(iova=" + Hex(Input(r, "iova")) + ", paddr=" + Hex(Input(r, "paddr")) + ", size=" +
              Hex(Input(r, "size")) + ")\n";
    } else if (r.verdict == Verdict::kProved) {
      text += "none (unsat)\n";
    } else {
      return {1, text + "unknown: " + r.reason + "\n"};
    }
  }
  return {0, text};
}

using Handler = std::function<AskResult(const std::vector<std::string>&, const ProveOptions&)>;

const std::vector<std::pair<std::string, Handler>>& Handlers() {
  static const std::vector<std::pair<std::string, Handler>> h = {
      {"ste-legal", [](const auto& w, const auto&) { return SteLegal(w); }},
      {"cd-legal", [](const auto& w, const auto&) { return CdLegal(w); }},
      {"pasid0-reaches-cd", Pasid0ReachesCd},
      {"hitless", AskHitless},
      {"domain-accepts", DomainAccepts},
      {"iova-for-pa", AskIovaForPa}};
  return h;
}

}  // namespace

const std::vector<std::string>& AskNames() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v;
    for (const auto& [name, h] : Handlers()) v.push_back(name);
    return v;
  }();
  return n;
}

AskResult Ask(const std::vector<std::string>& args, const ProveOptions& options) {
  std::string names;
  for (const std::string& n : AskNames()) names += (names.empty() ? "" : ", ") + n;
  if (args.empty()) return {2, "smmuref query --ask: needs a question (" + names + ")\n"};
  for (const auto& [name, h] : Handlers()) {
    if (name == args[0]) return h(std::vector<std::string>(args.begin() + 1, args.end()), options);
  }
  return {2, "smmuref query --ask: unknown question '" + args[0] + "' (" + names + ")\n"};
}

}  // namespace smmuref::proofs
