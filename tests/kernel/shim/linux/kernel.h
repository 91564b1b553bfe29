/* Userspace stand-in for <linux/kernel.h> (tests/kernel/README.md): the helper macros that
 * io-pgtable-arm.c uses, written for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_KERNEL_H
#define SMMUREF_SHIM_LINUX_KERNEL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/types.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL(sym)
#define __init
#define __initdata
#define __initconst
#define subsys_initcall(fn)

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...) fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) ((void)0)
#define dev_err(dev, fmt, ...) fprintf(stderr, fmt, ##__VA_ARGS__)

/* Addresses are identity mapped: a table's "physical" address is its userspace pointer. */
#define __va(x) ((void *)(uintptr_t)(x))
#define __pa(x) ((phys_addr_t)(uintptr_t)(x))
#define virt_to_phys(x) ((phys_addr_t)(uintptr_t)(x))

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

static inline int get_order(unsigned long size) {
  int order = 0;
  while ((PAGE_SIZE << order) < size) ++order;
  return order;
}

#endif
