/* Userspace stand-in for drivers/iommu/iommu-pages.h (tests/kernel/README.md): zeroed page
 * allocations aligned to their size, so that table addresses fit the descriptor address field.
 * Written for smmuref. */
#ifndef SMMUREF_SHIM_IOMMU_PAGES_H
#define SMMUREF_SHIM_IOMMU_PAGES_H
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
static inline void *iommu_alloc_pages_node(int nid, gfp_t gfp, int order) {
  const size_t size = PAGE_SIZE << order;
  void *p = aligned_alloc(size, size);
  (void)nid; (void)gfp;
  if (p) memset(p, 0, size);
  return p;
}
static inline void iommu_free_pages(void *virt, int order) { (void)order; free(virt); }
#endif
