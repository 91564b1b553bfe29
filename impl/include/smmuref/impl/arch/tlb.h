// Translation caches of the engine [IHI0070 §3.21.1, §4.4 (TLBI_*); DDI0487 D8.13]:
//  - Iotlb: completed translations (pages and blocks of every granule) keyed by regime kind,
//    VMID, ASID-or-global and input page, each holding the output base and the permission sets
//    of the stages it covers, so a hit needs no walk;
//  - WalkCache: valid table descriptors, keyed by regime kind, VMID, ASID, level and the input
//    bits resolved above that level, so a walk resumes at the deepest cached table.
// Both entries are also tagged with the walk parameters they were built from (`sig`: table base,
// input size, granule and the CD/STE bits folded into the entry), a legal refinement that keeps
// different address spaces sharing an ASID/VMID apart. Only valid translations are inserted
// (never a fault other than a permission fault, never an invalid descriptor).
// Invalidation: the TLBI scopes [IHI0070 §4.4] (`Scope` below).
// Tests: tests/impl/arch/cache_test.cc
#pragma once

#include <cstdint>
#include <vector>

#include "smmuref/impl/arch/kernels.h"
#include "smmuref/impl/arch/mutant.h"
#include "smmuref/impl/arch/set_assoc.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

// Translation regime of an entry. Stage-2-only entries (kS2) cover IPA -> PA and serve the
// stage-1-bypass path, CD fetches and stage-1 descriptor fetches of nested walks.
enum class Regime : uint8_t {
  kS1El1 = kRegimeS1El1, kS1El2 = kRegimeS1El2, kS1El2E2h = kRegimeS1El2E2h,
  kNested = kRegimeNested, kS2 = kRegimeS2
};

struct TlbEntry {
  bool valid = false;
  bool global = false;  // nG=0: matches every ASID of the VMID
  bool s2_device = false;  // stage-2 leaf maps Device memory (S2PTW check)
  Regime regime = Regime::kS1El1;
  uint8_t shift = 12;     // log2 of the page or block size covered
  uint8_t s1_perms = 0x3f, s2_perms = 0x3f;  // kernels.h permission sets
  uint16_t vmid = 0, asid = 0;
  uint64_t page = 0;  // input address [55:shift]
  uint64_t sig1 = 0, sig2 = 0;
  uint64_t out = 0;  // output base
  uint64_t ipa = 0;  // intermediate base (kNested)
};

// What a lookup must match.
struct TlbTag {
  Regime regime;
  uint16_t vmid, asid;
  uint64_t sig1, sig2;
};

// An invalidation: entries of `regimes` (bit per Regime value) that match every given operand.
struct Scope {
  uint32_t regimes = 0;
  bool match_vmid = false;
  uint16_t vmid = 0;
  bool match_asid = false;  // non-global entries of this ASID only...
  bool keep_global = false;  // ...and leave global entries (NH_ASID)
  uint16_t asid = 0;
  bool match_addr = false;  // entries overlapping [addr, addr + size)
  uint64_t addr = 0, size = 0;
};
inline constexpr uint32_t RegimeBit(Regime r) { return 1u << static_cast<unsigned>(r); }

class Iotlb {
 public:
  void Configure(size_t entries, size_t ways) { a_.Configure(entries, ways); }

  // `any_asid` makes non-global entries match every ASID: a deliberately wrong lookup for the
  // engine's mutant 12 (mutant.h), false everywhere else.
  const TlbEntry* Lookup(const TlbTag& tag, uint64_t input, bool any_asid = false) const {
    input &= kInputMask;
    for (uint64_t sizes = shifts_present_; sizes != 0; sizes &= sizes - 1) {
      const unsigned shift = static_cast<unsigned>(__builtin_ctzll(sizes));
      const uint64_t page = input >> shift;
      const TlbEntry* set = a_.Set(SetIndex(tag.vmid, page, shift));
      for (size_t w = 0; w < a_.ways(); ++w) {
        const TlbEntry& e = set[w];
        if (e.valid && e.page == page && e.shift == shift &&
            TlbTagMatches<uint64_t>(static_cast<uint64_t>(e.regime), e.vmid, e.asid,
                                    e.global || any_asid, static_cast<uint64_t>(tag.regime),
                                    tag.vmid, tag.asid) &&
            e.sig1 == tag.sig1 && e.sig2 == tag.sig2) {
          return &e;
        }
      }
    }
    return nullptr;
  }
  void Insert(const TlbEntry& entry);
  size_t Invalidate(const Scope& scope);
  size_t Occupancy() const { return a_.Occupancy(); }
  uint64_t evictions() const { return a_.evictions(); }

  static constexpr uint64_t kInputMask = (uint64_t{1} << 56) - 1;

 private:
  static size_t SetIndex(uint16_t vmid, uint64_t page, unsigned shift) {
    return MixBits(page ^ (uint64_t{vmid} << 40) ^ (uint64_t{shift} << 58));
  }
  SetAssoc<TlbEntry> a_;
  uint64_t shifts_present_ = 0;  // bit n: some entry covers 2^n bytes
};

struct WalkEntry {
  bool valid = false;
  Regime regime = Regime::kS1El1;
  uint8_t level = 0;     // level of the table `table` points to
  uint8_t shift = 0;     // input bits above `shift` select this table
  uint8_t attrs = 0;     // stage-1 hierarchical bits collected above (APTable, XN/PXNTable)
  uint16_t vmid = 0, asid = 0;
  uint64_t prefix = 0;   // input address [55:shift]
  uint64_t sig = 0;
  uint64_t table = 0;    // table address (an IPA for stage 1 of a nested walk)
};

class WalkCache {
 public:
  void Configure(size_t entries, size_t ways) { a_.Configure(entries, ways); }
  const WalkEntry* Lookup(Regime regime, uint16_t vmid, uint16_t asid, uint64_t sig, int level,
                          unsigned shift, uint64_t input) const {
    const uint64_t prefix = (input & Iotlb::kInputMask) >> shift;
    const WalkEntry* set = a_.Set(SetIndex(sig, prefix, level));
    for (size_t w = 0; w < a_.ways(); ++w) {
      const WalkEntry& e = set[w];
      if (e.valid && e.prefix == prefix && e.level == level && e.regime == regime &&
          e.vmid == vmid && e.asid == asid && e.sig == sig) {
        return &e;
      }
    }
    return nullptr;
  }
  void Insert(const WalkEntry& entry);
  size_t Invalidate(const Scope& scope);
  size_t Occupancy() const { return a_.Occupancy(); }

 private:
  static size_t SetIndex(uint64_t sig, uint64_t prefix, int level) {
    return MixBits(prefix ^ (sig * 0x9e3779b97f4a7c15ull) ^ (uint64_t(level) << 60));
  }
  SetAssoc<WalkEntry> a_;
};

// A small direct-mapped front cache of complete translations keyed by (StreamID, SubstreamID,
// 4KB input page), in front of the configuration cache and the IOTLB, so a repeated access costs
// one tag compare. It holds only translations the IOTLB produced, with the merged permissions
// of both stages and the STE's PRIVCFG/INSTCFG; it is emptied by every CFGI/TLBI command (a
// translation may stay cached until an invalidation covers it, even after the IOTLB evicted it).
struct MicroEntry {
  uint64_t va_page = 0;  // full input address >> 12 (top byte included: TBI checks stay exact)
  uint64_t pa_page = 0;  // output address of the 4KB page
  uint32_t sid = 0;
  uint32_t ssid_tag = 0;  // SSV in bit 31, SubstreamID below
  uint32_t gen = 0;
  uint8_t perms = 0;
  uint8_t privcfg = 0, instcfg = 0;
};

class MicroTlb {
 public:
  void Configure(size_t entries) {
    size_t n = 1;
    while (n < entries) n <<= 1;
    mask_ = entries == 0 ? 0 : n - 1;
    enabled_ = entries != 0;
    slots_.assign(enabled_ ? n : 1, MicroEntry{});
  }
  const MicroEntry* Lookup(uint32_t sid, uint32_t ssid_tag, uint64_t va) const {
    const uint64_t page = va >> 12;
    const MicroEntry& e = slots_[Index(sid, page)];
    const bool hit = enabled_ && e.gen == gen_ && e.va_page == page && e.sid == sid &&
                     e.ssid_tag == ssid_tag;
    return hit ? &e : nullptr;
  }
  void Insert(const MicroEntry& entry) {
    if (!enabled_) return;
    MicroEntry& e = slots_[Index(entry.sid, entry.va_page)];
    e = entry;
    e.gen = gen_;
  }
  void Flush() { ++gen_; }

 private:
  size_t Index(uint32_t sid, uint64_t page) const { return (page ^ (uint64_t{sid} << 7)) & mask_; }
  std::vector<MicroEntry> slots_{1};
  size_t mask_ = 0;
  bool enabled_ = false;
  uint32_t gen_ = 1;
};

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
