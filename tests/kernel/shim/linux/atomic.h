/* Userspace stand-in for <linux/atomic.h> (tests/kernel/README.md), written for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_ATOMIC_H
#define SMMUREF_SHIM_LINUX_ATOMIC_H
#include <linux/types.h>
#define cmpxchg64_relaxed(ptr, old, new) __sync_val_compare_and_swap((ptr), (old), (new))
#endif
