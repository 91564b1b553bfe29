/* Userspace stand-in for <linux/slab.h> (tests/kernel/README.md), written for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_SLAB_H
#define SMMUREF_SHIM_LINUX_SLAB_H
#include <stdlib.h>
#include <linux/gfp.h>
#define kmalloc(size, gfp) malloc(size)
#define kzalloc(size, gfp) calloc(1, size)
#define kfree(p) free(p)
#endif
