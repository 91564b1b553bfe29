// Rule coverage: which rule ids of spec/rules.md the reference model exercised while a sink was
// installed. The model marks each decision with a one-line probe next to the comment that names
// the rule:
//   // R-STRTAB-009: a StreamID whose low SPLIT bits are at or above 2^(Span-1) ...
//   if (SMMUREF_RULE_IF("R-STRTAB-009", (low >> (span - 1)) != 0)) return BadStreamId(...);
// A fault or ILLEGAL rule is exercised when it fires; a rule that says how something is computed
// is exercised when the computation runs. An id that is not in spec/rules.md does not compile.
// Without an installed sink (RuleSink) a probe is one thread-local load and a branch; the
// optimized engine (impl/) has no probes at all.
// The id table is generated from spec/rules.md at configure time (spec/CMakeLists.txt).
// Tests: tests/spec/coverage_test.cc
#pragma once

#include <bitset>
#include <cstddef>
#include <iterator>
#include <string_view>

namespace smmuref::spec::coverage {

// Every SMMUv3 rule id, in the order of spec/rules.md.
inline constexpr std::string_view kRuleIds[] = {
#define SMMUREF_RULE_ID(id) id,
#include "smmuref/spec/rule_ids.inc"
#undef SMMUREF_RULE_ID
};
inline constexpr size_t kRuleCount = std::size(kRuleIds);

// The index of `id` in kRuleIds, or kRuleCount when it is not a rule.
constexpr size_t RuleIndex(std::string_view id) {
  for (size_t i = 0; i < kRuleCount; ++i) {
    if (kRuleIds[i] == id) return i;
  }
  return kRuleCount;
}

using RuleSet = std::bitset<kRuleCount>;

// The set probes record into on this thread; null when nothing is being collected.
inline thread_local RuleSet* g_sink = nullptr;

template <size_t kIndex>
inline void Hit() {
  static_assert(kIndex < kRuleCount, "probe names a rule id that is not in spec/rules.md");
  if (RuleSet* s = g_sink) s->set(kIndex);
}

template <size_t kIndex>
inline bool HitIf(bool cond) {
  static_assert(kIndex < kRuleCount, "probe names a rule id that is not in spec/rules.md");
  if (cond) {
    if (RuleSet* s = g_sink) s->set(kIndex);
  }
  return cond;
}

// Installs `set` as this thread's sink for its lifetime (restoring the previous one after).
class RuleSink {
 public:
  explicit RuleSink(RuleSet* set) : prev_(g_sink) { g_sink = set; }
  ~RuleSink() { g_sink = prev_; }
  RuleSink(const RuleSink&) = delete;
  RuleSink& operator=(const RuleSink&) = delete;

 private:
  RuleSet* prev_;
};

}  // namespace smmuref::spec::coverage

// The rule `id` is exercised here.
#define SMMUREF_RULE(id) ::smmuref::spec::coverage::Hit<::smmuref::spec::coverage::RuleIndex(id)>()
// Evaluates `cond`; the rule `id` is exercised when it is true. Yields `cond`.
#define SMMUREF_RULE_IF(id, cond) \
  ::smmuref::spec::coverage::HitIf<::smmuref::spec::coverage::RuleIndex(id)>(cond)
