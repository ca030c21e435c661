/* Internal interface of the syscall layer: handler signature, checked guest
 * memory helpers and the struct conversions shared between family files. */
#ifndef XRUN_SYSCALLS_HANDLERS_H_
#define XRUN_SYSCALLS_HANDLERS_H_

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "runtime/cpu.h"
#include "runtime/mem.h"
#include "syscalls/abi.h"

/* A handler gets the six argument registers and returns the result or
 * -errno (values in [-4095, -1] are errors; everything else is a result
 * that is truncated to 32 bits for EAX). */
typedef long SysHandler(CPUState *env, const uint32_t *a);
#define SYS_FN(fn) long fn(CPUState *env, const uint32_t *a)

#define SYSCALL(nr, name, nargs, handler, fmt) SysHandler handler;
#include "syscalls/i386.def"
#undef SYSCALL

/* Guest AT_FDCWD and a 64-bit value from two argument registers. */
#define G_AT_FDCWD (-100)
#define ARG64(lo, hi) ((int64_t)((uint64_t)(lo) | ((uint64_t)(hi) << 32)))

/* libc result (-1 + errno) to the syscall convention. */
static inline long sys_ret(long r) {
    return r == -1 ? -errno : r;
}

/* Host pointer for guest range [a, a+len) with access prot, or NULL. A
 * zero-length range is always fine (the host kernel will not touch it). */
static inline void *sys_gptr(uint32_t a, uint32_t len, int prot) {
    return len ? rt_g2h_checked(a, len, prot) : g2h(a);
}
#define GIN(a, len) sys_gptr((a), (len), PROT_READ)
#define GOUT(a, len) sys_gptr((a), (len), PROT_READ | PROT_WRITE)

/* Copy a value to/from the guest; 0 or -EFAULT. */
int sys_put(uint32_t a, const void *src, uint32_t len);
int sys_get(void *dst, uint32_t a, uint32_t len);

/* Guest path argument: copies nothing, checks the string, applies the -L
 * sysroot mapping for absolute paths that exist under it, and maps
 * /proc/self/exe to the guest program. Returns the host path to use (maybe
 * buf) or NULL with *err set. */
const char *sys_path(uint32_t a, char *buf, long *err);
/* Same without the sysroot mapping (for paths being created). */
const char *sys_path_raw(uint32_t a, long *err);
/* open of a /proc file that describes the guest (syscalls/procfs.c): true
 * when handled, with the fd or -errno in *ret. */
bool sys_procfs_open(const char *path, int flags, long *ret);
/* The dirfd argument of *at syscalls. */
static inline int sys_dirfd(uint32_t fd) {
    return (int32_t)fd;
}

/* Struct conversions (syscalls/conv.c). Each returns 0 or -EFAULT. */
int sys_put_stat64(uint32_t a, const struct stat *st);
int sys_get_ts32(uint32_t a, struct timespec *ts);
int sys_put_ts32(uint32_t a, const struct timespec *ts); /* -EOVERFLOW too */
int sys_get_ts64(uint32_t a, struct timespec *ts);
int sys_put_ts64(uint32_t a, const struct timespec *ts);
int sys_get_tv32(uint32_t a, struct timeval *tv);
int sys_put_tv32(uint32_t a, const struct timeval *tv);
int sys_put_rusage(uint32_t a, const struct rusage *ru);
void sys_conv_siginfo(struct i386_siginfo *g, const siginfo_t *h);
/* Guest iovec array to host (at most IOV_MAX entries); returns count or -errno. */
struct iovec;
long sys_get_iovec(struct iovec *out, uint32_t a, uint32_t cnt, int write_to_guest);

/* Signals (syscalls/signal.c): the host mask for a guest mask (fault
 * signals and SIGKILL/SIGSTOP removed). */
void sys_host_sigset(uint64_t guest, sigset_t *out);
/* Read a guest sigset_t of `size` bytes (must be 8); 0 or -errno. */
int sys_get_sigset(uint64_t *out, uint32_t a, uint32_t size);

/* set_thread_area on env (also used by clone's CLONE_SETTLS). */
long sys_do_set_thread_area(CPUState *env, uint32_t uinfo);
/* clone with CLONE_THREAD (syscalls/thread.c): a new guest thread on a copy
 * of env; returns its tid or -errno. */
long sys_clone_thread(CPUState *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                      uint32_t ctid);
/* clone with CLONE_VM but not CLONE_THREAD (vfork, posix_spawn): a process
 * sharing the memory, running a copy of env; its pid or -errno. */
long sys_clone_vm(CPUState *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                  uint32_t ctid);
/* Walk and drop the calling thread's robust futex list (exit_group). */
void sys_thread_robust_release(CPUState *env);
/* The same for every thread of the process (exit_group). */
void sys_thread_group_robust_release(CPUState *env);
/* What the kernel does for a thread that exits: release its robust futexes,
 * then clear and wake its clear_child_tid word. */
void sys_thread_release(CPUState *env);

/* ioctl request name for -strace (NULL if unknown). */
const char *sys_ioctl_name(uint32_t req);

/* -strace (syscalls/strace.c): format the call before it runs, print it
 * with the result after. */
void sys_trace_enter(int nr, const uint32_t *a);
void sys_trace_exit(int nr, long ret);
/* A signal about to run a guest handler, as strace shows it. */
void sys_trace_signal(int sig, const struct i386_siginfo *info);

/* Name of syscall nr ("syscall_N" buffer-free fallback is NULL). */
const char *sys_name(int nr);
const char *sys_fmt(int nr);
int sys_nargs(int nr);

/* Once-only log of an unsupported feature (keyed by the message text). */
void sys_log_once(const char *what);

#endif
