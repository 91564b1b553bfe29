/* Userspace stand-in for <linux/gfp.h> (tests/kernel/README.md), written for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_GFP_H
#define SMMUREF_SHIM_LINUX_GFP_H
#include <linux/types.h>
#define GFP_KERNEL 0x1u
#define GFP_ATOMIC 0x2u
#define __GFP_HIGHMEM 0x4u
#define __GFP_ZERO 0x8u
#endif
