/* Userspace stand-in for <linux/dma-mapping.h> (tests/kernel/README.md): the harness builds only
 * coherent page tables, so the streaming DMA calls of a non-coherent walker must never run. */
#ifndef SMMUREF_SHIM_LINUX_DMA_MAPPING_H
#define SMMUREF_SHIM_LINUX_DMA_MAPPING_H
#include <stdlib.h>
#include <linux/types.h>
struct device;
enum dma_data_direction { DMA_BIDIRECTIONAL = 0, DMA_TO_DEVICE = 1, DMA_FROM_DEVICE = 2 };
#define dma_map_single(dev, ptr, size, dir) (abort(), (dma_addr_t)0)
#define dma_mapping_error(dev, addr) (abort(), 1)
#define dma_unmap_single(dev, addr, size, dir) abort()
#define dma_sync_single_for_device(dev, addr, size, dir) abort()
static inline int dev_to_node(struct device *dev) { (void)dev; return 0; }
#endif
