/* Userspace stand-in for <linux/bitops.h> (tests/kernel/README.md), written for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_BITOPS_H
#define SMMUREF_SHIM_LINUX_BITOPS_H

#include <linux/types.h>

#define BIT(n) (1UL << (n))
#define BIT_ULL(n) (1ULL << (n))
#define GENMASK(h, l) ((~0UL << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))

static inline unsigned long __ffs(unsigned long x) { return (unsigned long)__builtin_ctzl(x); }
static inline unsigned long __fls(unsigned long x) { return 63UL - (unsigned long)__builtin_clzl(x); }
#define ilog2(n) ((int)(63 - __builtin_clzll((unsigned long long)(n))))

static inline void set_bit(long nr, volatile unsigned long *addr) {
  __atomic_fetch_or(&addr[nr / 64], 1UL << (nr % 64), __ATOMIC_RELAXED);
}

#endif
