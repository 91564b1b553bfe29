/* Userspace stand-in for <linux/iommu.h> (tests/kernel/README.md): the protection flags, the
 * IOTLB gather and the dirty bitmap that <linux/io-pgtable.h> and io-pgtable-arm.c name, written
 * for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_IOMMU_H
#define SMMUREF_SHIM_LINUX_IOMMU_H
#include <linux/gfp.h>
#include <linux/types.h>
#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)
#define IOMMU_CACHE (1 << 2)
#define IOMMU_NOEXEC (1 << 3)
#define IOMMU_MMIO (1 << 4)
#define IOMMU_PRIV (1 << 5)
#define IOMMU_DIRTY_NO_CLEAR (1 << 0)
struct device;
struct iommu_iotlb_gather {
  unsigned long start, end;
  size_t pgsize;
  bool queued;
};
struct iommu_dirty_bitmap {
  void *bitmap;
};
static inline bool iommu_iotlb_gather_queued(struct iommu_iotlb_gather *gather) {
  return gather && gather->queued;
}
static inline void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *dirty,
                                             unsigned long iova, unsigned long length) {
  (void)dirty; (void)iova; (void)length;
}
#endif
