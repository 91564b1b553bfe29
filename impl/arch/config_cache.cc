// Decoded-configuration cache and its CFGI invalidation scopes [IHI0070 §4.3.1-§4.3.6]. Tests:
// tests/impl/arch/cache_test.cc
#include "smmuref/impl/arch/config_cache.h"

namespace smmuref::impl::arch {

void ConfigCache::Configure(size_t ste_entries, size_t ste_ways, size_t cd_entries,
                            size_t cd_ways) {
  stes_.Configure(ste_entries, ste_ways);
  cds_.Configure(cd_entries, cd_ways);
}

const SteConfig* ConfigCache::InsertSte(uint32_t sid, const SteConfig& cfg) {
  // One entry per StreamID: replace a stale copy in place.
  SteEntry* set = stes_.Set(SteSet(sid));
  for (size_t w = 0; w < stes_.ways(); ++w) {
    if (set[w].valid && set[w].sid == sid) {
      set[w].cfg = cfg;
      return &set[w].cfg;
    }
  }
  SteEntry& e = stes_.Victim(SteSet(sid));
  if (e.valid) InvalidateCdAll(e.sid);  // CDs are reachable only through a cached STE
  e.valid = true;
  e.sid = sid;
  e.cfg = cfg;
  return &e.cfg;
}

const CdConfig* ConfigCache::InsertCd(uint32_t sid, uint32_t index, const CdConfig& cfg) {
  CdEntry* set = cds_.Set(CdSet(sid, index));
  for (size_t w = 0; w < cds_.ways(); ++w) {
    if (set[w].valid && set[w].sid == sid && set[w].index == index) {
      set[w].cfg = cfg;
      return &set[w].cfg;
    }
  }
  CdEntry& e = cds_.Victim(CdSet(sid, index));
  e.valid = true;
  e.sid = sid;
  e.index = index;
  e.cfg = cfg;
  return &e.cfg;
}

void ConfigCache::InvalidateSteRange(uint32_t first, uint32_t last) {
  stes_.EraseIf([&](const SteEntry& e) { return e.sid >= first && e.sid <= last; });
  // CFGI_STE also drops every CD cached through the StreamID.
  cds_.EraseIf([&](const CdEntry& e) { return e.sid >= first && e.sid <= last; });
}

void ConfigCache::InvalidateCd(uint32_t sid, uint32_t index) {
  cds_.EraseIf([&](const CdEntry& e) { return e.sid == sid && e.index == index; });
}

void ConfigCache::InvalidateCdUnder(uint32_t sid, uint32_t l1_index, unsigned leaf_bits) {
  cds_.EraseIf(
      [&](const CdEntry& e) { return e.sid == sid && (e.index >> leaf_bits) == l1_index; });
}

void ConfigCache::InvalidateCdAll(uint32_t sid) {
  cds_.EraseIf([&](const CdEntry& e) { return e.sid == sid; });
}

}  // namespace smmuref::impl::arch
