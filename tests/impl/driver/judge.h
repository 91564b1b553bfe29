// The model as the judge of the driver's STE and CD updates: what an entry means to the SMMU is
// what model/arch decodes from it (DecodeSte, DecodeCd) together with its legality
// (SteIllegalReasons, CdIllegalReasons), so two entries are the same configuration when both are
// invalid, or both valid and either both ILLEGAL or both legal with equal decoded fields. A plan
// is judged by every per-doubleword mix of the entries before and after each step, as an SMMU
// that fetches each doubleword on its own may see them [IHI0070 §3.21.3].
// Used by: tests/impl/driver/update_test.cc
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "smmuref/impl/driver/layout.h"
#include "smmuref/impl/driver/update.h"
#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/spec/profile.h"
#include "smmuref/spec/tables.h"

namespace smmuref::impl::driver::testing {

namespace arch = model::arch;

namespace judge_detail {

inline bool SameS2(const arch::S2Config& a, const arch::S2Config& b) {
  return a.t0sz == b.t0sz && a.granule_shift == b.granule_shift &&
         a.start_level == b.start_level && a.concat == b.concat && a.ps_bits == b.ps_bits &&
         a.ttb == b.ttb && a.vmid == b.vmid && a.affd == b.affd && a.ptw == b.ptw &&
         a.ha == b.ha && a.hd == b.hd && a.r == b.r && a.s == b.s;
}

inline bool SameSte(const Entry& x, const Entry& y, const spec::Profile& p) {
  const arch::SteConfig a = arch::DecodeSte(x.data(), p, false);
  const arch::SteConfig b = arch::DecodeSte(y.data(), p, false);
  if (a.valid != b.valid) return false;
  if (!a.valid) return true;
  if (a.abort != b.abort) return false;
  if (a.abort) return true;  // Config=0b0xx: nothing else is read
  const bool la = arch::SteIllegalReasons(x.data(), p).empty();
  const bool lb = arch::SteIllegalReasons(y.data(), p).empty();
  if (la != lb) return false;
  if (!la) return true;
  return a.config == b.config && a.s1 == b.s1 && a.s2 == b.s2 && a.s1fmt == b.s1fmt &&
         a.s1cdmax == b.s1cdmax && a.s1dss == b.s1dss && a.s1_context_ptr == b.s1_context_ptr &&
         a.cd_ptr_bits == b.cd_ptr_bits && a.s1stalld == b.s1stalld && a.world == b.world &&
         a.privcfg == b.privcfg && a.instcfg == b.instcfg && a.vmid == b.vmid &&
         a.mev == b.mev && (!a.s2 || SameS2(a.s2cfg, b.s2cfg));
}

inline bool SameTtb(const arch::TtbConfig& a, const arch::TtbConfig& b) {
  return a.enabled == b.enabled && a.tsz == b.tsz && a.granule_shift == b.granule_shift &&
         a.ttb == b.ttb && a.tbi == b.tbi && a.had == b.had;
}

inline bool SameCd(const Entry& x, const Entry& y, const spec::Profile& p) {
  const arch::CdContext ctx;  // NS-EL1, no stall, stage 1 only
  const arch::CdConfig a = arch::DecodeCd(x.data(), p, ctx);
  const arch::CdConfig b = arch::DecodeCd(y.data(), p, ctx);
  if (a.valid != b.valid) return false;
  if (!a.valid) return true;
  const bool la = arch::CdIllegalReasons(x.data(), p, ctx).empty();
  const bool lb = arch::CdIllegalReasons(y.data(), p, ctx).empty();
  if (la != lb) return false;
  if (!la) return true;
  return SameTtb(a.ttb[0], b.ttb[0]) && SameTtb(a.ttb[1], b.ttb[1]) && a.ips_bits == b.ips_bits &&
         a.affd == b.affd && a.wxn == b.wxn && a.pan == b.pan && a.aa64 == b.aa64 &&
         a.ha == b.ha && a.hd == b.hd && a.a == b.a && a.r == b.r && a.s == b.s &&
         a.asid == b.asid && a.aset == b.aset && a.mair == b.mair;
}

}  // namespace judge_detail

// Whether `a` and `b` mean the same configuration to the model under `p`.
inline bool SameConfiguration(EntryKind kind, const Entry& a, const Entry& b,
                              const spec::Profile& p) {
  return kind == EntryKind::kSte ? judge_detail::SameSte(a, b, p) : judge_detail::SameCd(a, b, p);
}

// Whether the model sees `e` as not valid (V=0): the break state of a plan that is not hitless.
inline bool Invalid(EntryKind kind, const Entry& e) {
  return !spec::Get(e.data(), kind == EntryKind::kSte ? spec::ste::V : spec::cd::V);
}

inline std::string Words(const Entry& e) {
  std::string out;
  char buf[24];
  for (uint64_t w : e) {
    std::snprintf(buf, sizeof buf, " %#llx", static_cast<unsigned long long>(w));
    out += buf;
  }
  return out;
}

// "" when every torn read of every step of `steps` (starting from `from`, ending at `to`) means
// `from` or `to` (or, with `allow_invalid`, is an invalid entry); else the first torn read that
// means something else, with its doublewords.
inline std::string JudgeSteps(EntryKind kind, const Entry& from, const Entry& to,
                       const std::vector<Entry>& steps, bool allow_invalid,
                       const spec::Profile& p) {
  Entry prev = from;
  for (size_t s = 0; s < steps.size(); ++s) {
    std::vector<unsigned> changed;
    for (unsigned i = 0; i < 8; ++i) {
      if (steps[s][i] != prev[i]) changed.push_back(i);
    }
    for (unsigned mask = 0; mask < (1u << changed.size()); ++mask) {
      Entry mix = prev;
      for (size_t k = 0; k < changed.size(); ++k) {
        if (mask & (1u << k)) mix[changed[k]] = steps[s][changed[k]];
      }
      if (SameConfiguration(kind, mix, from, p) || SameConfiguration(kind, mix, to, p)) continue;
      if (allow_invalid && Invalid(kind, mix)) continue;
      return "step " + std::to_string(s + 1) + ": torn read" + Words(mix) +
             " is neither the old" + Words(from) + " nor the new" + Words(to) +
             (allow_invalid ? " nor invalid" : "");
    }
    prev = steps[s];
  }
  if (prev != to) return "the last step leaves" + Words(prev) + ", not the target" + Words(to);
  return "";
}

}  // namespace smmuref::impl::driver::testing
