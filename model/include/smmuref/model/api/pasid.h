// The global PASID space: one allocator for the whole system, each device using
// [min_pasid, max_pasids - 1]. Rules R-PASID-*. Tests: tests/model/api/pasid_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace smmuref::model::api {

enum class PasidOwnerKind { kDriver, kMm, kAux };

struct PasidOwner {
  PasidOwnerKind kind = PasidOwnerKind::kDriver;
  uint32_t id = 0;  // mm id or domain id
};

class PasidSpace {
 public:
  bool IsAllocated(uint32_t pasid) const { return used_.count(pasid) != 0; }
  // Lowest free PASID in [lo, hi], if any.
  std::optional<uint32_t> LowestFree(uint32_t lo, uint32_t hi) const;
  void Take(uint32_t pasid, PasidOwner owner) { used_[pasid] = owner; }
  void Release(uint32_t pasid) { used_.erase(pasid); }
  std::optional<PasidOwner> OwnerOf(uint32_t pasid) const;
  size_t size() const { return used_.size(); }

 private:
  std::map<uint32_t, PasidOwner> used_;
};

}  // namespace smmuref::model::api
