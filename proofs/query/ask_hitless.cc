// `--ask hitless`: can an STE or CD change from A to B without the SMMU ever seeing an entry
// that means anything else (not valid, ILLEGAL, or a mix of old and new fields), and in how few
// syncs (ask.h). The SMMU may read each doubleword of the entry independently, and between two
// syncs it may see any combination of old and new doublewords of that step; so a plan is a
// sequence of entries A = X0, X1, ..., Xk = B, one sync after each, such that every mix of
// X(j-1) and Xj, doubleword by doubleword, decodes (proofs/encodings/ste.cc, cd.cc) to the same
// meaning as A or as B. What an entry means is its validity, abort, legality and every decoded
// field, so the doublewords a configuration does not use (its "used bits") come out of the
// decoder rather than from any driver. One sync is checked directly; for two and three Z3
// searches every intermediate entry, so the minimum it reports is exact for at most 3 syncs.
// Tests: tests/proofs/query_test.cc, corpus/queries/hitless_*.ask
#include <functional>

#include "proofs/encodings/cd.h"
#include "proofs/encodings/ste.h"
#include "proofs/query/ask_args.h"
#include "proofs/query/ask_internal.h"
#include "proofs/query/definitions.h"
#include "smmuref/spec/format.h"

namespace smmuref::proofs {

using spec::Hex;

const std::vector<std::string>& AskSteRules() { return SteRuleIds(); }
const std::vector<std::string>& AskCdRules() { return CdRuleIds(); }

namespace {

constexpr unsigned kMaxSyncs = 3;

// Whether two entries mean the same thing to the SMMU.
using Same = std::function<Bool(const std::vector<Bv>&, const std::vector<Bv>&)>;

Bool SameSte(const std::vector<Bv>& x, const std::vector<Bv>& y, const ProfileTerms& p) {
  const SteMeaning a = EncodeSte(x.data(), p), b = EncodeSte(y.data(), p);
  const Bool la = !AnyViolated(a.illegal), lb = !AnyViolated(b.illegal);
  const Bool fields = a.s1 == b.s1 && a.s2 == b.s2 && a.s1fmt == b.s1fmt && a.s1cdmax == b.s1cdmax &&
                      a.s1dss == b.s1dss && a.s1_context_ptr == b.s1_context_ptr &&
                      a.cd_ptr_bits == b.cd_ptr_bits && a.s1stalld == b.s1stalld &&
                      a.privcfg == b.privcfg && a.instcfg == b.instcfg && a.el2 == b.el2 &&
                      a.vmid == b.vmid && a.s2_t0sz == b.s2_t0sz &&
                      a.s2_granule_shift == b.s2_granule_shift &&
                      a.s2_start_level == b.s2_start_level && a.s2_ps_bits == b.s2_ps_bits &&
                      a.s2_ttb == b.s2_ttb && a.s2_affd == b.s2_affd && a.s2_ptw == b.s2_ptw &&
                      a.s2_ha == b.s2_ha && a.s2_hd == b.s2_hd && a.s2_r == b.s2_r && a.s2_s == b.s2_s;
  return a.valid == b.valid &&
         Implies(a.valid, a.abort == b.abort && Implies(!a.abort, la == lb && Implies(la, fields)));
}

Bool SameCd(const std::vector<Bv>& x, const std::vector<Bv>& y, const ProfileTerms& p) {
  const CdContextTerms ctx{Bv(0), Bv(0), Bv(0), Bv(1)};
  const CdMeaning a = EncodeCd(x.data(), p, ctx), b = EncodeCd(y.data(), p, ctx);
  const Bool la = !AnyViolated(a.illegal), lb = !AnyViolated(b.illegal);
  Bool fields = a.ips_bits == b.ips_bits && a.affd == b.affd && a.wxn == b.wxn && a.pan == b.pan &&
                a.asid == b.asid && a.a == b.a && a.r == b.r;
  for (unsigned h = 0; h < 2; ++h) {
    const CdHalfMeaning &s = a.half[h], &t = b.half[h];
    fields = fields && s.enabled == t.enabled && s.tsz == t.tsz && s.granule_shift == t.granule_shift &&
             s.ttb == t.ttb && s.tbi == t.tbi && s.had == t.had;
  }
  return a.valid == b.valid && Implies(a.valid, la == lb && Implies(la, fields));
}

// Every mix of `from` and `to` over the doublewords in `used` means what A or B means.
Bool StepSafe(const std::vector<Bv>& from, const std::vector<Bv>& to, const std::vector<unsigned>& used,
              const std::vector<Bv>& a, const std::vector<Bv>& b, const Same& same) {
  Bool ok = true;
  for (unsigned mask = 0; mask < (1u << used.size()); ++mask) {
    std::vector<Bv> mix = from;
    for (size_t i = 0; i < used.size(); ++i) {
      if (mask & (1u << i)) mix[used[i]] = to[used[i]];
    }
    ok = ok && (same(mix, a) || same(mix, b));
  }
  return ok;
}

std::string Plan(const std::vector<std::vector<uint64_t>>& steps, const std::vector<uint64_t>& a,
                 const std::string& kind) {
  std::string out;
  std::vector<uint64_t> cur = a;
  for (size_t j = 0; j < steps.size(); ++j) {
    out += "  step " + std::to_string(j + 1) + ": write";
    bool any = false;
    for (size_t i = 0; i < cur.size(); ++i) {
      if (steps[j][i] != cur[i]) {
        out += " DW" + std::to_string(i) + "=" + Hex(steps[j][i]);
        any = true;
      }
    }
    if (!any) out += " nothing";
    out += ", then CMD_CFGI_" + std::string(kind == "ste" ? "STE" : "CD") + " and CMD_SYNC\n";
    cur = steps[j];
  }
  return out;
}

}  // namespace

AskResult AskHitless(const std::vector<std::string>& words, const ProveOptions& o) {
  auto args = ParseAskArgs(words, {"--kind", "--profile"});
  if (!args) return {2, "smmuref query --ask hitless: " + args.error().message + "\n"};
  const std::string kind = args->options.count("--kind") ? args->options.at("--kind") : "";
  if (kind != "ste" && kind != "cd") return {2, "smmuref query --ask hitless: --kind is ste or cd\n"};
  auto prof = AskProfile(*args);
  if (!prof) return {2, "smmuref query --ask hitless: " + prof.error().message + "\n"};
  auto w = AskWords(*args, 0, 16, "FROM and TO (8 + 8)");
  if (!w) return {2, "smmuref query --ask hitless: " + w.error().message + "\n"};
  const ProfileTerms p = ConstantProfile(*prof);
  const std::vector<uint64_t> a(w->begin(), w->begin() + 8), b(w->begin() + 8, w->end());
  std::vector<Bv> ca, cb;
  for (uint64_t x : a) ca.push_back(Bv(x));
  for (uint64_t x : b) cb.push_back(Bv(x));
  const Same same = [&](const std::vector<Bv>& x, const std::vector<Bv>& y) {
    return kind == "ste" ? SameSte(x, y, p) : SameCd(x, y, p);
  };
  // The doublewords the decoder reads: STE DW0-DW3, CD DW0-DW2; the rest mean nothing to it and
  // are written with the first step.
  const unsigned read = kind == "ste" ? 4 : 3;
  std::vector<unsigned> used;
  for (unsigned i = 0; i < read; ++i) used.push_back(i);
  std::string text = "hitless " + kind + " change, profile " + prof->name + ":\n";
  // One sync: every mix of A and B.
  if (StepSafe(ca, cb, used, ca, cb, same).expr().simplify().is_true()) {
    return {0, text + "  yes, 1 sync\n" + Plan({b}, a, kind)};
  }
  for (unsigned k = 2; k <= kMaxSyncs; ++k) {
    std::vector<std::vector<Bv>> x = {ca};
    for (unsigned j = 1; j < k; ++j) {
      std::vector<Bv> t = cb;  // unread doublewords take their final value at once
      for (unsigned i : used) t[i] = Bv::Var("step" + std::to_string(j) + ".dw" + std::to_string(i));
      x.push_back(t);
    }
    x.push_back(cb);
    Bool claim = true;
    for (unsigned j = 1; j <= k; ++j) claim = claim && StepSafe(x[j - 1], x[j], used, ca, cb, same);
    const ProofResult r = Solve("hitless/" + std::to_string(k), claim, {}, o);
    if (r.verdict == Verdict::kUnknown) return {1, text + "  unknown: " + r.reason + "\n"};
    if (r.verdict == Verdict::kProved) continue;  // no plan with k syncs
    std::vector<std::vector<uint64_t>> steps;
    for (unsigned j = 1; j < k; ++j) {
      std::vector<uint64_t> t = b;
      for (unsigned i : used) t[i] = Input(r, "step" + std::to_string(j) + ".dw" + std::to_string(i));
      steps.push_back(t);
    }
    steps.push_back(b);
    return {0, text + "  yes, minimum " + std::to_string(k) + " syncs (no plan with " +
                   std::to_string(k - 1) + " exists)\n" + Plan(steps, a, kind)};
  }
  return {0, text + "  no: every plan of at most " + std::to_string(kMaxSyncs) +
                 " syncs lets the SMMU see an entry that is neither the old nor the new one (a "
                 "non-valid, ILLEGAL or mixed entry); go through an invalid or abort entry\n"};
}

}  // namespace smmuref::proofs
