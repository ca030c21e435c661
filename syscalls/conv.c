/* Host <-> guest structure conversions shared by the handler files. */
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/uio.h>

#include "syscalls/handlers.h"

/* ---- stat ---------------------------------------------------------------- */

int sys_put_stat64(uint32_t a, const struct stat *st) {
    struct i386_stat64 g;
    memset(&g, 0, sizeof g);
    g.st_dev = st->st_dev;
    g.st_ino32 = (uint32_t)st->st_ino;
    g.st_mode = st->st_mode;
    g.st_nlink = (uint32_t)st->st_nlink;
    g.st_uid = st->st_uid;
    g.st_gid = st->st_gid;
    g.st_rdev = st->st_rdev;
    g.st_size = st->st_size;
    g.st_blksize = (uint32_t)st->st_blksize;
    g.st_blocks = (uint64_t)st->st_blocks;
    g.st_atime_ = (uint32_t)st->st_atim.tv_sec;
    g.st_atime_nsec = (uint32_t)st->st_atim.tv_nsec;
    g.st_mtime_ = (uint32_t)st->st_mtim.tv_sec;
    g.st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    g.st_ctime_ = (uint32_t)st->st_ctim.tv_sec;
    g.st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
    g.st_ino = st->st_ino;
    return sys_put(a, &g, sizeof g);
}

/* ---- time ---------------------------------------------------------------- */

int sys_get_ts32(uint32_t a, struct timespec *ts) {
    struct i386_timespec32 g;
    if (sys_get(&g, a, sizeof g)) return -EFAULT;
    ts->tv_sec = g.tv_sec;
    ts->tv_nsec = g.tv_nsec;
    return 0;
}

int sys_put_ts32(uint32_t a, const struct timespec *ts) {
    if (ts->tv_sec > INT32_MAX || ts->tv_sec < INT32_MIN) return -EOVERFLOW;
    struct i386_timespec32 g = {(int32_t)ts->tv_sec, (int32_t)ts->tv_nsec};
    return sys_put(a, &g, sizeof g);
}

int sys_get_ts64(uint32_t a, struct timespec *ts) {
    struct i386_timespec64 g;
    if (sys_get(&g, a, sizeof g)) return -EFAULT;
    ts->tv_sec = g.tv_sec;
    /* A 32-bit task's tv_nsec is its low word (the kernel ignores the rest). */
    ts->tv_nsec = (int32_t)(uint32_t)g.tv_nsec;
    return 0;
}

int sys_put_ts64(uint32_t a, const struct timespec *ts) {
    struct i386_timespec64 g = {ts->tv_sec, ts->tv_nsec};
    return sys_put(a, &g, sizeof g);
}

int sys_get_tv32(uint32_t a, struct timeval *tv) {
    struct i386_timeval32 g;
    if (sys_get(&g, a, sizeof g)) return -EFAULT;
    tv->tv_sec = g.tv_sec;
    tv->tv_usec = g.tv_usec;
    return 0;
}

int sys_put_tv32(uint32_t a, const struct timeval *tv) {
    struct i386_timeval32 g = {(int32_t)tv->tv_sec, (int32_t)tv->tv_usec};
    return sys_put(a, &g, sizeof g);
}

int sys_put_rusage(uint32_t a, const struct rusage *ru) {
    struct i386_rusage g = {
        .ru_utime = {(int32_t)ru->ru_utime.tv_sec, (int32_t)ru->ru_utime.tv_usec},
        .ru_stime = {(int32_t)ru->ru_stime.tv_sec, (int32_t)ru->ru_stime.tv_usec},
        .ru_maxrss = (int32_t)ru->ru_maxrss,
        .ru_ixrss = (int32_t)ru->ru_ixrss,
        .ru_idrss = (int32_t)ru->ru_idrss,
        .ru_isrss = (int32_t)ru->ru_isrss,
        .ru_minflt = (int32_t)ru->ru_minflt,
        .ru_majflt = (int32_t)ru->ru_majflt,
        .ru_nswap = (int32_t)ru->ru_nswap,
        .ru_inblock = (int32_t)ru->ru_inblock,
        .ru_oublock = (int32_t)ru->ru_oublock,
        .ru_msgsnd = (int32_t)ru->ru_msgsnd,
        .ru_msgrcv = (int32_t)ru->ru_msgrcv,
        .ru_nsignals = (int32_t)ru->ru_nsignals,
        .ru_nvcsw = (int32_t)ru->ru_nvcsw,
        .ru_nivcsw = (int32_t)ru->ru_nivcsw,
    };
    return sys_put(a, &g, sizeof g);
}

/* ---- signals ------------------------------------------------------------- */

void sys_conv_siginfo(struct i386_siginfo *g, const siginfo_t *h) {
    memset(g, 0, sizeof *g);
    g->si_signo = h->si_signo;
    g->si_errno = h->si_errno;
    g->si_code = h->si_code;
    switch (h->si_signo) {
    case SIGCHLD:
        g->u.f.pid = h->si_pid;
        g->u.f.uid = (int32_t)h->si_uid;
        g->u.f.a = h->si_status;
        g->u.f.b = (int32_t)h->si_utime;
        g->u.f.c = (int32_t)h->si_stime;
        break;
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
        if (h->si_code > 0) {
            g->u.addr = (uint32_t)(uintptr_t)h->si_addr;
            break;
        }
        __attribute__((fallthrough)); /* sent by kill/sigqueue */
    default:
        /* kill, sigqueue, timers: two ints then the low word of sigval. */
        g->u.f.pid = h->si_pid;
        g->u.f.uid = (int32_t)h->si_uid;
        g->u.f.a = h->si_value.sival_int;
        break;
    }
}

/* ---- iovec --------------------------------------------------------------- */

long sys_get_iovec(struct iovec *out, uint32_t a, uint32_t cnt, int write_to_guest) {
    if (cnt > IOV_MAX) return -EINVAL;
    const struct i386_iovec *g = GIN(a, cnt * (uint32_t)sizeof *g);
    if (!g) return -EFAULT;
    uint64_t total = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t base = g[i].iov_base, len = g[i].iov_len;
        if ((int32_t)len < 0) return -EINVAL;
        total += len;
        if (total > INT32_MAX) return -EINVAL;
        void *p = write_to_guest ? GOUT(base, len) : GIN(base, len);
        if (!p) return -EFAULT;
        out[i].iov_base = p;
        out[i].iov_len = len;
    }
    return cnt;
}
