// The glue around Linux's io-pgtable-arm.c (built unmodified from the Debian linux-source-6.12
// package with the shims in tests/kernel/shim): table setup, and the IOMMU core's map and unmap
// loops written here from their description in spec/rules-api.md (R-MAP-004, R-MAP-009,
// R-MAP-017), so that the harness compares what iommu_map / iommu_unmap return on arm-smmu-v3.
// Tests: tests/kernel/io_pgtable_diff_test.cc.
#include "kpt.h"

#include <errno.h>
#include <linux/io-pgtable.h>
#include <stdlib.h>

unsigned long smmuref_kernel_warnings;

struct kpt {
  struct io_pgtable_cfg cfg;
  struct io_pgtable_ops *ops;
};

struct kpt *kpt_new(int stage, uint64_t pgsize_bitmap, unsigned ias, unsigned oas) {
  struct kpt *t = calloc(1, sizeof(*t));
  if (!t) return NULL;
  t->cfg.pgsize_bitmap = pgsize_bitmap;
  t->cfg.ias = ias;
  t->cfg.oas = oas;
  t->cfg.coherent_walk = true;
  t->ops = alloc_io_pgtable_ops(stage == 1 ? ARM_64_LPAE_S1 : ARM_64_LPAE_S2, &t->cfg, t);
  if (!t->ops) {
    free(t);
    return NULL;
  }
  // alloc_io_pgtable_ops restricted cfg in place before copying it into the table.
  return t;
}

void kpt_free(struct kpt *t) {
  if (!t) return;
  free_io_pgtable_ops(t->ops);
  free(t);
}

uint64_t kpt_pgsize_bitmap(const struct kpt *t) { return t->cfg.pgsize_bitmap; }
unsigned kpt_ias(const struct kpt *t) { return t->cfg.ias; }
unsigned kpt_oas(const struct kpt *t) { return t->cfg.oas; }

int kpt_map_pages(struct kpt *t, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
                  int prot, uint64_t *mapped) {
  size_t done = 0;
  int ret = t->ops->map_pages(t->ops, iova, pa, pgsize, count, prot, GFP_KERNEL, &done);
  *mapped = done;
  return ret;
}

uint64_t kpt_unmap_pages(struct kpt *t, uint64_t iova, uint64_t pgsize, uint64_t count) {
  struct iommu_iotlb_gather gather = {.start = ~0UL};
  return t->ops->unmap_pages(t->ops, iova, pgsize, count, &gather);
}

uint64_t kpt_iova_to_phys(struct kpt *t, uint64_t iova) {
  return t->ops->iova_to_phys(t->ops, iova);
}

// The page size and run length the core chooses (R-MAP-004): the largest size of the bitmap that
// fits the remaining length and the alignment of iova|pa; the run stops where the next larger
// size could begin.
static uint64_t core_pgsize(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size,
                            uint64_t *count) {
  uint64_t sizes = bitmap & (~0ULL >> __builtin_clzll(size));
  const uint64_t merged = iova | pa;
  if (merged) sizes &= ~0ULL >> (63 - __builtin_ctzll(merged));
  if (!sizes) abort();
  const int idx = 63 - __builtin_clzll(sizes);
  const uint64_t pgsize = 1ULL << idx;
  const uint64_t bigger = bitmap & ~(~0ULL >> (63 - idx));
  uint64_t run = size;
  if (bigger) {
    const uint64_t next = bigger & -bigger;
    if (((iova ^ pa) & (next - 1)) == 0) {
      const uint64_t offset = next - (merged & (next - 1));
      if (offset + next > offset && offset + next <= size) run = offset;
    }
  }
  *count = run >> idx;
  return pgsize;
}

uint64_t kpt_unmap(struct kpt *t, uint64_t iova, uint64_t size) {
  const uint64_t min_page = t->cfg.pgsize_bitmap & -t->cfg.pgsize_bitmap;
  if ((iova | size) & (min_page - 1)) return 0;
  uint64_t unmapped = 0;
  while (unmapped < size) {
    uint64_t count = 0;
    const uint64_t pgsize = core_pgsize(t->cfg.pgsize_bitmap, iova, iova, size - unmapped, &count);
    const uint64_t got = kpt_unmap_pages(t, iova, pgsize, count);
    if (!got) break;
    iova += got;
    unmapped += got;
  }
  return unmapped;
}

int kpt_map(struct kpt *t, uint64_t iova, uint64_t pa, uint64_t size, int prot) {
  const uint64_t min_page = t->cfg.pgsize_bitmap & -t->cfg.pgsize_bitmap;
  if ((iova | pa | size) & (min_page - 1)) return -EINVAL;
  const uint64_t orig_iova = iova, orig_size = size;
  int ret = 0;
  while (size) {
    uint64_t count = 0, mapped = 0;
    const uint64_t pgsize = core_pgsize(t->cfg.pgsize_bitmap, iova, pa, size, &count);
    ret = kpt_map_pages(t, iova, pa, pgsize, count, prot, &mapped);
    size -= mapped;
    if (ret) break;
    iova += mapped;
    pa += mapped;
  }
  if (ret) kpt_unmap(t, orig_iova, orig_size - size);
  return ret;
}

unsigned long kpt_warnings(void) { return smmuref_kernel_warnings; }
