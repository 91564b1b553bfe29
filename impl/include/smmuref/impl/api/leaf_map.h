// The leaves of one domain's page table as an interval map: runs of equal-sized leaves that
// follow each other in IOVA and PA with one protection are one entry [start, end) -> pa, so a
// map of a million 4K pages is one entry, not a million. Leaves are still what the API observes
// (a run answers for each of its leaves); the runs split and merge as leaves go and come.
// Tests: tests/impl/api/leaf_map_test.cc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "smmuref/spec/api.h"

namespace smmuref::impl::api {

using spec::api::LeafView;

class LeafMap {
 public:
  struct Run {
    uint64_t end = 0;     // exclusive; end - start is a multiple of pgsize
    uint64_t pa = 0;      // of the first leaf
    uint64_t pgsize = 0;  // every leaf of the run has this size
    uint32_t prot = 0;
  };

  // The leaf whose range holds `iova`.
  std::optional<LeafView> Covering(uint64_t iova) const;
  // A leaf of exactly `size` starting at `va`.
  bool LeafAt(uint64_t va, uint64_t size) const;
  // The first leaf starting in [from, to), in IOVA order.
  std::optional<LeafView> FirstStartingIn(uint64_t from, uint64_t to) const;
  // The first leaf of size `size` starting in [from, to).
  std::optional<LeafView> FirstOfSizeStartingIn(uint64_t from, uint64_t to, uint64_t size) const;
  // Whether any leaf overlaps [from, from + bytes) (bytes > 0, no wrap).
  bool Overlaps(uint64_t from, uint64_t bytes) const;
  // The highest leaf start below `below` with the start of its run, if any leaf starts there.
  const Run* LastRunStartingBelow(uint64_t below, uint64_t* run_start) const;

  // Removes every leaf that starts in [from, to).
  void EraseStartingIn(uint64_t from, uint64_t to);
  // Adds `n` leaves of `pgsize` from iova -> pa (the range holds no leaf).
  void Insert(uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t n, uint32_t prot);

  bool empty() const { return runs_.empty(); }
  uint64_t leaves() const { return leaves_; }  // leaves, not runs
  size_t runs() const { return runs_.size(); }

 private:
  std::map<uint64_t, Run> runs_;  // keyed by run start
  uint64_t leaves_ = 0;
};

}  // namespace smmuref::impl::api
