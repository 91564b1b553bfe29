// The userspace build of Linux's io-pgtable-arm (Debian linux-source-6.12), behind a small C
// interface: one page table per handle, the io-pgtable ops, and the IOMMU core's map and unmap
// loops over them (iommu_pgsize runs, unwind of a failed map), so a caller sees what
// iommu_map / iommu_unmap / iommu_iova_to_phys on an arm-smmu-v3 domain would return.
// Used by tests/kernel/io_pgtable_diff_test.cc and reusable by benchmarks (CMake target
// smmuref_kernel_io_pgtable). Tests: tests/kernel/io_pgtable_diff_test.cc.
#ifndef SMMUREF_TESTS_KERNEL_KPT_H
#define SMMUREF_TESTS_KERNEL_KPT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kpt;

// A stage-1 (stage = 1) or stage-2 (stage = 2) 64-bit LPAE table for a coherent walker, from the
// candidate page sizes, IAS and OAS; NULL when io-pgtable-arm refuses the configuration.
struct kpt *kpt_new(int stage, uint64_t pgsize_bitmap, unsigned ias, unsigned oas);
void kpt_free(struct kpt *t);

// The configuration after io-pgtable-arm restricted it (arm_lpae_restrict_pgsizes).
uint64_t kpt_pgsize_bitmap(const struct kpt *t);
unsigned kpt_ias(const struct kpt *t);
unsigned kpt_oas(const struct kpt *t);

// The io-pgtable ops themselves.
int kpt_map_pages(struct kpt *t, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                  int prot, uint64_t *mapped);
uint64_t kpt_unmap_pages(struct kpt *t, uint64_t iova, uint64_t pgsize, uint64_t count);
uint64_t kpt_iova_to_phys(struct kpt *t, uint64_t iova);

// The IOMMU core's loops over the ops: iommu_map (0 or a negative errno) and iommu_unmap (bytes).
int kpt_map(struct kpt *t, uint64_t iova, uint64_t pa, uint64_t size, int prot);
uint64_t kpt_unmap(struct kpt *t, uint64_t iova, uint64_t size);

// WARN_ON/WARN_ONCE conditions that held in the kernel code since the process started.
unsigned long kpt_warnings(void);

#ifdef __cplusplus
}
#endif

#endif
