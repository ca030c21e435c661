/* Processes: exit, ids, groups, sessions, priorities, resource limits and
 * usage, sysinfo, uname, scheduling, personality, prctl, getrandom, wait. */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/dispatch.h"
#include "runtime/safe_syscall.h"
#include "runtime/thread.h"
#include "syscalls/handlers.h"

/* exit ends the calling thread only (the process when it is the last);
 * exit_group ends every thread. */
SYS_FN(sys_exit) {
    sys_thread_release(env);
    rt_thread_exit((int)(a[0] & 0xff));
}

SYS_FN(sys_exit_group) {
    /* The kernel releases each dying thread's robust futexes (a process-
     * shared robust mutex held at exit becomes EOWNERDEAD for the other
     * process). */
    sys_thread_group_robust_release(env);
    rt_exit((int)(a[0] & 0xff));
}

/* ---- ids ----------------------------------------------------------------- */

/* A 16-bit id for the old calls (overflow id 65534 like the kernel). */
static long low16(unsigned id) {
    return id > 0xffff ? 65534 : (long)id;
}
/* A 16-bit id argument: 0xffff means -1 ("unchanged"). */
static unsigned id16(uint32_t v) {
    return (uint16_t)v == 0xffff ? (unsigned)-1 : (uint16_t)v;
}

SYS_FN(sys_getpid) {
    (void)env;
    (void)a;
    return getpid();
}
SYS_FN(sys_getppid) {
    (void)env;
    (void)a;
    return getppid();
}
SYS_FN(sys_gettid) {
    (void)env;
    (void)a;
    return (long)syscall(SYS_gettid);
}
SYS_FN(sys_getuid) {
    (void)env;
    (void)a;
    return getuid();
}
SYS_FN(sys_geteuid) {
    (void)env;
    (void)a;
    return geteuid();
}
SYS_FN(sys_getgid) {
    (void)env;
    (void)a;
    return getgid();
}
SYS_FN(sys_getegid) {
    (void)env;
    (void)a;
    return getegid();
}
SYS_FN(sys_getuid16) {
    (void)env;
    (void)a;
    return low16(getuid());
}
SYS_FN(sys_geteuid16) {
    (void)env;
    (void)a;
    return low16(geteuid());
}
SYS_FN(sys_getgid16) {
    (void)env;
    (void)a;
    return low16(getgid());
}
SYS_FN(sys_getegid16) {
    (void)env;
    (void)a;
    return low16(getegid());
}

/* The set*id calls go through raw syscalls: they change only this thread's
 * credentials, which is what a single-threaded guest process expects. */
#define RAW1(fn, nr, conv)                                                                         \
    SYS_FN(fn) {                                                                                   \
        (void)env;                                                                                 \
        return sys_ret(syscall(nr, conv(a[0])));                                                   \
    }
#define RAW2(fn, nr, conv)                                                                         \
    SYS_FN(fn) {                                                                                   \
        (void)env;                                                                                 \
        return sys_ret(syscall(nr, conv(a[0]), conv(a[1])));                                       \
    }
#define RAW3(fn, nr, conv)                                                                         \
    SYS_FN(fn) {                                                                                   \
        (void)env;                                                                                 \
        return sys_ret(syscall(nr, conv(a[0]), conv(a[1]), conv(a[2])));                           \
    }
#define ID32(v) ((unsigned)(v))

RAW1(sys_setuid, SYS_setuid, ID32)
RAW1(sys_setgid, SYS_setgid, ID32)
RAW2(sys_setreuid, SYS_setreuid, ID32)
RAW2(sys_setregid, SYS_setregid, ID32)
RAW3(sys_setresuid, SYS_setresuid, ID32)
RAW3(sys_setresgid, SYS_setresgid, ID32)
RAW1(sys_setfsuid, SYS_setfsuid, ID32)
RAW1(sys_setfsgid, SYS_setfsgid, ID32)
RAW1(sys_setuid16, SYS_setuid, id16)
RAW1(sys_setgid16, SYS_setgid, id16)
RAW2(sys_setreuid16, SYS_setreuid, id16)
RAW2(sys_setregid16, SYS_setregid, id16)
RAW3(sys_setresuid16, SYS_setresuid, id16)
RAW3(sys_setresgid16, SYS_setresgid, id16)
RAW1(sys_setfsuid16, SYS_setfsuid, id16)
RAW1(sys_setfsgid16, SYS_setfsgid, id16)

/* getres[ug]id: three guest pointers, 32- or 16-bit ids. */
static long getres(const uint32_t *a, int gid, int bits16) {
    unsigned id[3];
    long r = sys_ret(syscall(gid ? SYS_getresgid : SYS_getresuid, &id[0], &id[1], &id[2]));
    if (r < 0) return r;
    for (int i = 0; i < 3; i++) {
        if (bits16) {
            uint16_t v = (uint16_t)low16(id[i]);
            if (sys_put(a[i], &v, 2)) return -EFAULT;
        } else if (sys_put(a[i], &id[i], 4)) {
            return -EFAULT;
        }
    }
    return 0;
}

SYS_FN(sys_getresuid) {
    (void)env;
    return getres(a, 0, 0);
}
SYS_FN(sys_getresgid) {
    (void)env;
    return getres(a, 1, 0);
}
SYS_FN(sys_getresuid16) {
    (void)env;
    return getres(a, 0, 1);
}
SYS_FN(sys_getresgid16) {
    (void)env;
    return getres(a, 1, 1);
}

SYS_FN(sys_getgroups) {
    (void)env;
    int32_t n = (int32_t)a[0];
    if (n < 0 || n > 65536) return -EINVAL;
    gid_t *p = GOUT(a[1], (uint32_t)n * 4u);
    if (!p) return -EFAULT;
    return sys_ret(getgroups(n, p));
}

SYS_FN(sys_setgroups) {
    (void)env;
    int32_t n = (int32_t)a[0];
    if (n < 0 || n > 65536) return -EINVAL;
    const gid_t *p = GIN(a[1], (uint32_t)n * 4u);
    if (!p) return -EFAULT;
    return sys_ret(syscall(SYS_setgroups, (size_t)n, p));
}

SYS_FN(sys_getgroups16) {
    (void)env;
    int32_t n = (int32_t)a[0];
    if (n < 0 || n > 65536) return -EINVAL;
    gid_t g[65536];
    int r = getgroups(n, n ? g : NULL);
    if (r < 0) return -errno;
    if (n) {
        uint16_t *out = GOUT(a[1], (uint32_t)r * 2u);
        if (!out) return -EFAULT;
        for (int i = 0; i < r; i++)
            out[i] = (uint16_t)low16(g[i]);
    }
    return r;
}

SYS_FN(sys_setgroups16) {
    (void)env;
    int32_t n = (int32_t)a[0];
    if (n < 0 || n > 65536) return -EINVAL;
    const uint16_t *in = GIN(a[1], (uint32_t)n * 2u);
    if (!in) return -EFAULT;
    gid_t g[65536];
    for (int i = 0; i < n; i++)
        g[i] = in[i];
    return sys_ret(syscall(SYS_setgroups, (size_t)n, g));
}

/* ---- sessions and process groups ----------------------------------------- */

SYS_FN(sys_setpgid) {
    (void)env;
    return sys_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
}
SYS_FN(sys_getpgid) {
    (void)env;
    return sys_ret(getpgid((pid_t)a[0]));
}
SYS_FN(sys_getpgrp) {
    (void)env;
    (void)a;
    return getpgrp();
}
SYS_FN(sys_setsid) {
    (void)env;
    (void)a;
    return sys_ret(setsid());
}
SYS_FN(sys_getsid) {
    (void)env;
    return sys_ret(getsid((pid_t)a[0]));
}

/* ---- priorities and scheduling ------------------------------------------- */

/* The raw getpriority returns 20 - nice, which is what the guest expects. */
SYS_FN(sys_getpriority) {
    (void)env;
    return sys_ret(syscall(SYS_getpriority, a[0], a[1]));
}
SYS_FN(sys_setpriority) {
    (void)env;
    return sys_ret(setpriority((int)a[0], (id_t)a[1], (int)a[2]));
}

SYS_FN(sys_sched_yield) {
    (void)env;
    (void)a;
    return sys_ret(sched_yield());
}
SYS_FN(sys_sched_getscheduler) {
    (void)env;
    return sys_ret(sched_getscheduler((pid_t)a[0]));
}
SYS_FN(sys_sched_get_priority_max) {
    (void)env;
    return sys_ret(sched_get_priority_max((int)a[0]));
}
SYS_FN(sys_sched_get_priority_min) {
    (void)env;
    return sys_ret(sched_get_priority_min((int)a[0]));
}

SYS_FN(sys_sched_getparam) {
    (void)env;
    struct sched_param *p = GOUT(a[1], 4); /* one int */
    if (!p) return -EFAULT;
    return sys_ret(sched_getparam((pid_t)a[0], p));
}

/* The i386 mask length must be a multiple of 4; the host wants 8. */
static long affinity(const uint32_t *a, int set) {
    uint32_t len = a[1];
    if (len & 3) return -EINVAL;
    if (len > (1u << 16)) len = 1u << 16;
    size_t hlen = (len + 7u) & ~7u;
    uint8_t *buf = calloc(1, hlen ? hlen : 8);
    if (!buf) return -ENOMEM;
    long r;
    if (set) {
        const void *in = GIN(a[2], len);
        if (!in) {
            free(buf);
            return -EFAULT;
        }
        memcpy(buf, in, len);
        r = sys_ret(syscall(SYS_sched_setaffinity, (pid_t)a[0], hlen, buf));
    } else {
        r = sys_ret(syscall(SYS_sched_getaffinity, (pid_t)a[0], hlen, buf));
        if (r > 0) {
            if ((uint32_t)r > len) r = len;
            if (sys_put(a[2], buf, (uint32_t)r)) r = -EFAULT;
        }
    }
    free(buf);
    return r;
}

SYS_FN(sys_sched_getaffinity) {
    (void)env;
    return affinity(a, 0);
}
SYS_FN(sys_sched_setaffinity) {
    (void)env;
    return affinity(a, 1);
}

SYS_FN(sys_getcpu) {
    (void)env;
    unsigned cpu, node;
    long r = sys_ret(syscall(SYS_getcpu, &cpu, &node, NULL));
    if (r < 0) return r;
    if (a[0] && sys_put(a[0], &cpu, 4)) return -EFAULT;
    if (a[1] && sys_put(a[1], &node, 4)) return -EFAULT;
    return 0;
}

SYS_FN(sys_personality) {
    (void)env;
    return sys_ret(personality(a[0]));
}

/* ---- limits and usage ---------------------------------------------------- */

SYS_FN(sys_prlimit64) {
    (void)env;
    const void *nl = NULL;
    void *ol = NULL;
    if (a[2] && !(nl = GIN(a[2], 16))) return -EFAULT; /* struct rlimit64: same layout */
    if (a[3] && !(ol = GOUT(a[3], 16))) return -EFAULT;
    return sys_ret(syscall(SYS_prlimit64, (pid_t)a[0], (int)a[1], nl, ol));
}

/* getrlimit into a 32-bit struct; values that do not fit become `inf`. */
static long getrlimit32(const uint32_t *a, uint32_t inf) {
    struct rlimit rl;
    if (getrlimit((int)a[0], &rl)) return -errno;
    struct i386_rlimit g = {
        rl.rlim_cur >= inf ? inf : (uint32_t)rl.rlim_cur,
        rl.rlim_max >= inf ? inf : (uint32_t)rl.rlim_max,
    };
    return sys_put(a[1], &g, sizeof g);
}

SYS_FN(sys_ugetrlimit) {
    (void)env;
    return getrlimit32(a, 0xffffffffu);
}
SYS_FN(sys_old_getrlimit) {
    (void)env;
    return getrlimit32(a, 0x7fffffffu);
}

SYS_FN(sys_setrlimit) {
    (void)env;
    struct i386_rlimit g;
    if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
    struct rlimit rl = {
        g.rlim_cur == 0xffffffffu ? RLIM_INFINITY : g.rlim_cur,
        g.rlim_max == 0xffffffffu ? RLIM_INFINITY : g.rlim_max,
    };
    return sys_ret(setrlimit((int)a[0], &rl));
}

SYS_FN(sys_getrusage) {
    (void)env;
    struct rusage ru;
    if (getrusage((int)a[0], &ru)) return -errno;
    return sys_put_rusage(a[1], &ru);
}

/* sysinfo; byte counts are scaled by mem_unit until they fit 32 bits, like
 * the kernel does for 32-bit tasks. */
SYS_FN(sys_sysinfo) {
    (void)env;
    struct sysinfo s;
    if (sysinfo(&s)) return -errno;
    unsigned shift = 0;
    unsigned long unit = s.mem_unit ? s.mem_unit : 1;
    while (((s.totalram | s.totalswap | s.totalhigh) >> shift) > UINT32_MAX && unit < (1ul << 31)) {
        shift++;
        unit <<= 1;
    }
    struct i386_sysinfo g;
    memset(&g, 0, sizeof g);
    g.uptime = (int32_t)s.uptime;
    for (int i = 0; i < 3; i++)
        g.loads[i] = (uint32_t)s.loads[i];
    g.totalram = (uint32_t)(s.totalram >> shift);
    g.freeram = (uint32_t)(s.freeram >> shift);
    g.sharedram = (uint32_t)(s.sharedram >> shift);
    g.bufferram = (uint32_t)(s.bufferram >> shift);
    g.totalswap = (uint32_t)(s.totalswap >> shift);
    g.freeswap = (uint32_t)(s.freeswap >> shift);
    g.procs = s.procs;
    g.totalhigh = (uint32_t)(s.totalhigh >> shift);
    g.freehigh = (uint32_t)(s.freehigh >> shift);
    g.mem_unit = (uint32_t)unit;
    return sys_put(a[0], &g, sizeof g);
}

SYS_FN(sys_uname) {
    (void)env;
    struct utsname u;
    if (uname(&u)) return -errno;
    struct i386_utsname g;
    _Static_assert(sizeof u == sizeof g, "struct utsname is 6 x 65 chars on both");
    memcpy(&g, &u, sizeof g);
    memset(g.machine, 0, sizeof g.machine);
    strcpy(g.machine, "i686");
    return sys_put(a[0], &g, sizeof g);
}

/* ---- prctl, capabilities, randomness ------------------------------------- */

SYS_FN(sys_prctl) {
    (void)env;
    int opt = (int)a[0];
    switch (opt) {
    case PR_SET_NAME: {
        char name[16];
        const char *s = GIN(a[1], 1);
        if (!s) return -EFAULT;
        size_t i = 0;
        for (; i < 15; i++) {
            const char *c = GIN(a[1] + (uint32_t)i, 1);
            if (!c) return -EFAULT;
            if (!(name[i] = *c)) break;
        }
        name[i < 15 ? i : 15] = 0;
        return sys_ret(prctl(PR_SET_NAME, name, 0, 0, 0));
    }
    case PR_GET_NAME: {
        char *out = GOUT(a[1], 16);
        if (!out) return -EFAULT;
        return sys_ret(prctl(PR_GET_NAME, out, 0, 0, 0));
    }
    case PR_GET_PDEATHSIG:
    case PR_GET_CHILD_SUBREAPER: {
        int *out = GOUT(a[1], 4);
        if (!out) return -EFAULT;
        return sys_ret(prctl(opt, out, 0, 0, 0));
    }
    /* Options with integer arguments only. */
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_SET_TIMERSLACK:
    case PR_GET_TIMERSLACK:
    case PR_SET_CHILD_SUBREAPER:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_CAPBSET_READ:
    case PR_GET_SECUREBITS:
    case PR_GET_SECCOMP:
    case PR_SET_PTRACER:
    case PR_GET_THP_DISABLE:
    case PR_SET_THP_DISABLE:
    case PR_MCE_KILL_GET:
        return sys_ret(prctl(opt, (unsigned long)a[1], (unsigned long)a[2], (unsigned long)a[3],
                             (unsigned long)a[4]));
    default:
        /* Notably PR_SET_SECCOMP: a filter would apply to xrun itself. */
        sys_log_once("prctl: unsupported option, returning -EINVAL");
        return -EINVAL;
    }
}

SYS_FN(sys_capget) {
    (void)env;
    uint32_t *hdr = GOUT(a[0], 8); /* {u32 version; int pid}: same layout */
    if (!hdr) return -EFAULT;
    void *data = NULL;
    if (a[1]) {
        uint32_t len = hdr[0] == 0x19980330u ? 12 : 24; /* v1: one set, v2/v3: two */
        if (!(data = GOUT(a[1], len))) return -EFAULT;
    }
    return sys_ret(syscall(SYS_capget, hdr, data));
}

SYS_FN(sys_getrandom) {
    (void)env;
    void *p = GOUT(a[0], a[1]);
    if (!p) return -EFAULT;
    return sys_ret(getrandom(p, a[1], a[2]));
}

/* ---- wait ---------------------------------------------------------------- */

SYS_FN(sys_wait4) {
    (void)env;
    int status = 0;
    struct rusage ru;
    if ((a[1] && !GOUT(a[1], 4)) || (a[3] && !GOUT(a[3], sizeof(struct i386_rusage))))
        return -EFAULT;
    long r = rt_safe_syscall(SYS_wait4, (pid_t)a[0], &status, (int)a[2], a[3] ? &ru : NULL);
    if (r > 0) {
        if (a[1] && sys_put(a[1], &status, 4)) return -EFAULT;
        if (a[3] && sys_put_rusage(a[3], &ru)) return -EFAULT;
    }
    return r;
}

SYS_FN(sys_waitpid) {
    uint32_t b[4] = {a[0], a[1], a[2], 0};
    return sys_wait4(env, b);
}

/* waitid(idtype, id, siginfo *, options, rusage *) */
SYS_FN(sys_waitid) {
    (void)env;
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof si);
    if ((a[2] && !GOUT(a[2], sizeof(struct i386_siginfo))) ||
        (a[4] && !GOUT(a[4], sizeof(struct i386_rusage))))
        return -EFAULT;
    long r = rt_safe_syscall(SYS_waitid, (int)a[0], (id_t)a[1], &si, (int)a[3], a[4] ? &ru : NULL);
    if (r < 0) return r;
    if (a[2]) {
        struct i386_siginfo g;
        sys_conv_siginfo(&g, &si);
        if (!si.si_signo) memset(&g, 0, sizeof g);
        if (sys_put(a[2], &g, sizeof g)) return -EFAULT;
    }
    if (a[4] && sys_put_rusage(a[4], &ru)) return -EFAULT;
    return r;
}
