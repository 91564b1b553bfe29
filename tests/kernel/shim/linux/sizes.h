/* Userspace stand-in for <linux/sizes.h> (tests/kernel/README.md), written for smmuref. */
#ifndef SMMUREF_SHIM_LINUX_SIZES_H
#define SMMUREF_SHIM_LINUX_SIZES_H
#define SZ_4K 0x00001000
#define SZ_16K 0x00004000
#define SZ_64K 0x00010000
#define SZ_2M 0x00200000
#define SZ_32M 0x02000000
#define SZ_512M 0x20000000
#define SZ_1G 0x40000000
#endif
