// The DMA API over a DMA-type domain: streaming map/unmap, coherent allocation, syncs, and the
// IOVA rules (free, granule-aligned, non-zero, inside mask and aperture). Rules R-DMA-*.
// Tests: tests/model/api/dma_test.cc.
#pragma once

#include <cstdint>

#include "smmuref/model/api/device.h"

namespace smmuref::model::api {

using spec::api::CacheOp;
using spec::api::CacheOpName;
using spec::api::DmaDir;
using spec::api::DmaHandleId;
using spec::api::SyncFor;

struct DmaHandle {
  DmaHandleId id = 0;
  DeviceId device = 0;
  uint32_t domain = 0;       // the DMA domain the mapping lives in
  uint64_t dma_addr = 0;    // what the caller sees: base + offset of phys in its granule
  uint64_t base = 0;        // IOVA allocation start (granule aligned)
  uint64_t alloc_size = 0;  // granule-aligned size of the IOVA allocation and mapping
  uint64_t size = 0;        // size as requested
  uint64_t phys = 0;
  DmaDir dir = DmaDir::kBidirectional;
  bool coherent_alloc = false;
  bool live = false;
};

// R-DMA-010: CPU cache maintenance a sync needs on a non-coherent device.
CacheOp SyncCacheOp(SyncFor f, DmaDir dir);
// R-DMA-004: protection flags of a streaming mapping.
uint32_t DmaProt(DmaDir dir, bool coherent);

}  // namespace smmuref::model::api
