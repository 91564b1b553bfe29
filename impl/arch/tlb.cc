// IOTLB and walk cache maintenance: insertion and the TLBI scopes [IHI0070 §4.4]. Tests:
// tests/impl/arch/cache_test.cc
#include "smmuref/impl/arch/tlb.h"

#include "smmuref/impl/arch/kernels.h"

namespace smmuref::impl::arch {

namespace {

// Does an entry with these tags fall inside `s`? `lo`/`bytes` give the input range it covers.
// The compares are the kernels ScopeTagMatches and RangesOverlap (kernels.h).
bool InScope(const Scope& s, Regime regime, uint16_t vmid, uint16_t asid, bool global,
             uint64_t lo, uint64_t bytes) {
  if (!ScopeTagMatches<uint64_t>(static_cast<uint64_t>(regime), vmid, asid, global, s.regimes,
                                 s.match_vmid, s.vmid, s.match_asid, s.keep_global, s.asid)) {
    return false;
  }
  return !s.match_addr || RangesOverlap<uint64_t>(lo, bytes, s.addr & Iotlb::kInputMask, s.size);
}

}  // namespace

void Iotlb::Insert(const TlbEntry& entry) {
  const size_t index = SetIndex(entry.vmid, entry.page, entry.shift);
  TlbEntry* set = a_.Set(index);
  for (size_t w = 0; w < a_.ways(); ++w) {
    TlbEntry& e = set[w];
    if (e.valid && e.page == entry.page && e.shift == entry.shift &&
        e.regime == entry.regime && e.vmid == entry.vmid && e.asid == entry.asid &&
        e.global == entry.global && e.sig1 == entry.sig1 && e.sig2 == entry.sig2) {
      e = entry;
      return;
    }
  }
  a_.Victim(index) = entry;
  shifts_present_ |= uint64_t{1} << entry.shift;
}

size_t Iotlb::Invalidate(const Scope& scope) {
  const size_t n = a_.EraseIf([&](const TlbEntry& e) {
    // Nested entries are also checked by their intermediate range for stage-2 scopes.
    const bool by_ipa = scope.match_addr && e.regime == Regime::kNested &&
                        (scope.regimes & RegimeBit(Regime::kS2)) != 0 &&
                        !(scope.regimes & RegimeBit(Regime::kS1El1));
    const uint64_t lo = by_ipa ? e.ipa : e.page << e.shift;
    return InScope(scope, e.regime, e.vmid, e.asid, e.global, lo, uint64_t{1} << e.shift);
  });
  return n;
}

void WalkCache::Insert(const WalkEntry& entry) {
  const size_t index = SetIndex(entry.sig, entry.prefix, entry.level);
  WalkEntry* set = a_.Set(index);
  for (size_t w = 0; w < a_.ways(); ++w) {
    WalkEntry& e = set[w];
    if (e.valid && e.prefix == entry.prefix && e.level == entry.level &&
        e.regime == entry.regime && e.vmid == entry.vmid && e.asid == entry.asid &&
        e.sig == entry.sig) {
      e = entry;
      return;
    }
  }
  a_.Victim(index) = entry;
}

size_t WalkCache::Invalidate(const Scope& scope) {
  // Table entries are never global: an ASID-scoped invalidation matches them by ASID alone.
  return a_.EraseIf([&](const WalkEntry& e) {
    const uint64_t lo = e.prefix << e.shift;
    const uint64_t bytes = e.shift >= 56 ? Iotlb::kInputMask + 1 : uint64_t{1} << e.shift;
    return InScope(scope, e.regime, e.vmid, e.asid, false, lo, bytes);
  });
}

}  // namespace smmuref::impl::arch
