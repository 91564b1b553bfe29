/* Userspace stand-in for <linux/bug.h> (tests/kernel/README.md): WARN_ON and friends evaluate
 * their condition and count the warnings, so the harness can compare where the kernel warns. */
#ifndef SMMUREF_SHIM_LINUX_BUG_H
#define SMMUREF_SHIM_LINUX_BUG_H

extern unsigned long smmuref_kernel_warnings;

#define WARN_ON(cond) \
  ({ int __c = !!(cond); if (__c) ++smmuref_kernel_warnings; __c; })
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define WARN(cond, ...) WARN_ON(cond)
#define WARN_ONCE(cond, ...) WARN_ON(cond)
#define VM_BUG_ON(cond) ((void)0)
#define BUG_ON(cond) do { if (cond) __builtin_trap(); } while (0)

#endif
