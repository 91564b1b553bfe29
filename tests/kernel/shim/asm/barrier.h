/* Userspace stand-in for <asm/barrier.h> (tests/kernel/README.md), written for smmuref. */
#ifndef SMMUREF_SHIM_ASM_BARRIER_H
#define SMMUREF_SHIM_ASM_BARRIER_H
#define wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define dma_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
