/* Userspace stand-in for the kernel header of the same name, just enough to compile Linux's
 * io-pgtable-arm.c and io-pgtable.c unmodified (tests/kernel/README.md). Written for smmuref;
 * no kernel code. */
#ifndef SMMUREF_SHIM_LINUX_TYPES_H
#define SMMUREF_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint64_t phys_addr_t;
typedef uint64_t dma_addr_t;
typedef unsigned int gfp_t;

_Static_assert(sizeof(unsigned long) == 8, "io-pgtable-arm is built for a 64-bit unsigned long");

#endif
