// Decoded-configuration cache [IHI0070 §3.21.1 (configuration caches), §4.3 (CFGI_*)]:
// STEs decoded once and tagged by StreamID, CDs decoded once and tagged by (StreamID, CD-table
// index). Only fetches that succeeded and decoded to a valid, legal structure are inserted
// (a failed fetch is never cached; invalid or ILLEGAL structures are re-fetched every time).
// Invalidation follows the CFGI scopes [IHI0070 §4.3]: dropping an STE drops every CD cached
// through its StreamID.
// Tests: tests/impl/arch/cache_test.cc
#pragma once

#include <cstdint>

#include "smmuref/impl/arch/config.h"
#include "smmuref/impl/arch/mutant.h"
#include "smmuref/impl/arch/set_assoc.h"

namespace smmuref::impl::arch {
SMMUREF_ENGINE_BUILD_BEGIN

class ConfigCache {
 public:
  void Configure(size_t ste_entries, size_t ste_ways, size_t cd_entries, size_t cd_ways);

  const SteConfig* FindSte(uint32_t sid) const {
    const SteEntry* set = stes_.Set(SteSet(sid));
    for (size_t w = 0; w < stes_.ways(); ++w) {
      if (set[w].valid && set[w].sid == sid) return &set[w].cfg;
    }
    return nullptr;
  }
  const CdConfig* FindCd(uint32_t sid, uint32_t index) const {
    const CdEntry* set = cds_.Set(CdSet(sid, index));
    for (size_t w = 0; w < cds_.ways(); ++w) {
      if (set[w].valid && set[w].sid == sid && set[w].index == index) return &set[w].cfg;
    }
    return nullptr;
  }
  // Insert returns the cached copy (stable until the next insert or invalidation).
  const SteConfig* InsertSte(uint32_t sid, const SteConfig& cfg);
  const CdConfig* InsertCd(uint32_t sid, uint32_t index, const CdConfig& cfg);

  // CFGI_STE(SID) / CFGI_STE_RANGE / CFGI_ALL: STEs with first <= sid <= last and their CDs.
  void InvalidateSteRange(uint32_t first, uint32_t last);
  // CFGI_CD(SID, SSID): the CD of that index reached through SID.
  void InvalidateCd(uint32_t sid, uint32_t index);
  // CFGI_CD(SID, SSID) with Leaf=0: the CDs of SID under L1CD `l1_index` (2^leaf_bits each).
  void InvalidateCdUnder(uint32_t sid, uint32_t l1_index, unsigned leaf_bits);
  // CFGI_CD_ALL(SID): every CD reached through SID.
  void InvalidateCdAll(uint32_t sid);

  size_t SteOccupancy() const { return stes_.Occupancy(); }
  size_t CdOccupancy() const { return cds_.Occupancy(); }

 private:
  struct SteEntry {
    bool valid = false;
    uint32_t sid = 0;
    SteConfig cfg;
  };
  struct CdEntry {
    bool valid = false;
    uint32_t sid = 0, index = 0;
    CdConfig cfg;
  };
  // StreamIDs index the STE sets directly, so a SID space no larger than the cache is a flat
  // array; larger spaces fold the upper bits in.
  size_t SteSet(uint32_t sid) const { return sid ^ (sid >> 16); }
  size_t CdSet(uint32_t sid, uint32_t index) const {
    return MixBits((uint64_t{sid} << 20) ^ index);
  }
  SetAssoc<SteEntry> stes_;
  SetAssoc<CdEntry> cds_;
};

SMMUREF_ENGINE_BUILD_END
}  // namespace smmuref::impl::arch
