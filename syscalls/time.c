/* Time: clocks, sleeping, interval timers, timerfd. Both the 32-bit time
 * structures and the *_time64 variants (struct __kernel_timespec). */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "runtime/safe_syscall.h"
#include "syscalls/handlers.h"

/* Readers/writers of a guest timespec, 32- or 64-bit. */
static int get_ts(uint32_t a, struct timespec *ts, int t64) {
    return t64 ? sys_get_ts64(a, ts) : sys_get_ts32(a, ts);
}
static int put_ts(uint32_t a, const struct timespec *ts, int t64) {
    return t64 ? sys_put_ts64(a, ts) : sys_put_ts32(a, ts);
}

/* ---- clocks -------------------------------------------------------------- */

static long do_clock_gettime(const uint32_t *a, int t64, int res) {
    struct timespec ts;
    long r = sys_ret(syscall(res ? SYS_clock_getres : SYS_clock_gettime, (clockid_t)a[0], &ts));
    if (r < 0 || (res && !a[1])) return r;
    return put_ts(a[1], &ts, t64);
}

SYS_FN(sys_clock_gettime) {
    (void)env;
    return do_clock_gettime(a, 0, 0);
}
SYS_FN(sys_clock_gettime64) {
    (void)env;
    return do_clock_gettime(a, 1, 0);
}
SYS_FN(sys_clock_getres) {
    (void)env;
    return do_clock_gettime(a, 0, 1);
}
SYS_FN(sys_clock_getres_time64) {
    (void)env;
    return do_clock_gettime(a, 1, 1);
}

SYS_FN(sys_gettimeofday) {
    (void)env;
    struct timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz)) return -errno;
    if (a[0] && sys_put_tv32(a[0], &tv)) return -EFAULT;
    if (a[1] && sys_put(a[1], &tz, sizeof tz)) return -EFAULT; /* two ints */
    return 0;
}

SYS_FN(sys_time) {
    (void)env;
    int32_t t = (int32_t)time(NULL);
    if (a[0] && sys_put(a[0], &t, 4)) return -EFAULT;
    return t;
}

SYS_FN(sys_times) {
    (void)env;
    struct tms t;
    clock_t r = times(&t);
    if (r == (clock_t)-1) return -errno;
    if (a[0]) {
        struct i386_tms g = {(int32_t)t.tms_utime, (int32_t)t.tms_stime, (int32_t)t.tms_cutime,
                             (int32_t)t.tms_cstime};
        if (sys_put(a[0], &g, sizeof g)) return -EFAULT;
    }
    return (long)(uint32_t)r;
}

/* ---- sleeping ------------------------------------------------------------ */

static long do_clock_nanosleep(uint32_t clk, uint32_t flags, uint32_t req, uint32_t rem, int t64) {
    struct timespec in, out;
    if (get_ts(req, &in, t64)) return -EFAULT;
    long r = rt_safe_syscall(SYS_clock_nanosleep, (clockid_t)clk, (int)flags, &in, &out);
    if (r == -EINTR && rem && !(flags & TIMER_ABSTIME) && put_ts(rem, &out, t64)) return -EFAULT;
    return r;
}

SYS_FN(sys_nanosleep) {
    (void)env;
    return do_clock_nanosleep(CLOCK_REALTIME, 0, a[0], a[1], 0);
}
SYS_FN(sys_clock_nanosleep) {
    (void)env;
    return do_clock_nanosleep(a[0], a[1], a[2], a[3], 0);
}
SYS_FN(sys_clock_nanosleep_time64) {
    (void)env;
    return do_clock_nanosleep(a[0], a[1], a[2], a[3], 1);
}

SYS_FN(sys_alarm) {
    (void)env;
    return (long)alarm(a[0]);
}

/* ---- interval timers ----------------------------------------------------- */

static int put_itv(uint32_t ga, const struct itimerval *v) {
    struct i386_itimerval32 g = {
        {(int32_t)v->it_interval.tv_sec, (int32_t)v->it_interval.tv_usec},
        {(int32_t)v->it_value.tv_sec, (int32_t)v->it_value.tv_usec},
    };
    return sys_put(ga, &g, sizeof g);
}

SYS_FN(sys_getitimer) {
    (void)env;
    struct itimerval v;
    if (getitimer((int)a[0], &v)) return -errno;
    return put_itv(a[1], &v);
}

SYS_FN(sys_setitimer) {
    (void)env;
    struct itimerval nv, ov;
    struct i386_itimerval32 g;
    if (a[1]) {
        if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
        nv.it_interval.tv_sec = g.it_interval.tv_sec;
        nv.it_interval.tv_usec = g.it_interval.tv_usec;
        nv.it_value.tv_sec = g.it_value.tv_sec;
        nv.it_value.tv_usec = g.it_value.tv_usec;
    }
    long r = sys_ret(syscall(SYS_setitimer, (int)a[0], a[1] ? &nv : NULL, &ov));
    if (r < 0) return r;
    return a[2] ? put_itv(a[2], &ov) : 0;
}

/* ---- timerfd ------------------------------------------------------------- */

static int get_its(uint32_t ga, struct itimerspec *v, int t64) {
    uint32_t step = t64 ? 16 : 8;
    if (get_ts(ga, &v->it_interval, t64) || get_ts(ga + step, &v->it_value, t64)) return -EFAULT;
    return 0;
}

static int put_its(uint32_t ga, const struct itimerspec *v, int t64) {
    uint32_t step = t64 ? 16 : 8;
    int e = put_ts(ga, &v->it_interval, t64);
    return e ? e : put_ts(ga + step, &v->it_value, t64);
}

SYS_FN(sys_timerfd_create) {
    (void)env;
    return sys_ret(timerfd_create((int)a[0], (int)a[1]));
}

/* timerfd_settime and timer_settime share the argument order (id, flags,
 * new, old); so do timerfd_gettime and timer_gettime (id, cur). */
static long do_settime(long nr, const uint32_t *a, int t64) {
    struct itimerspec nv, ov;
    if (get_its(a[2], &nv, t64)) return -EFAULT;
    long r = sys_ret(syscall(nr, (int)a[0], (int)a[1], &nv, a[3] ? &ov : NULL));
    if (r < 0) return r;
    return a[3] ? put_its(a[3], &ov, t64) : 0;
}

static long do_gettime(long nr, const uint32_t *a, int t64) {
    struct itimerspec v;
    long r = sys_ret(syscall(nr, (int)a[0], &v));
    if (r < 0) return r;
    return put_its(a[1], &v, t64);
}

static long do_timerfd_settime(const uint32_t *a, int t64) {
    return do_settime(SYS_timerfd_settime, a, t64);
}

static long do_timerfd_gettime(const uint32_t *a, int t64) {
    return do_gettime(SYS_timerfd_gettime, a, t64);
}

SYS_FN(sys_timerfd_settime) {
    (void)env;
    return do_timerfd_settime(a, 0);
}
SYS_FN(sys_timerfd_settime64) {
    (void)env;
    return do_timerfd_settime(a, 1);
}
SYS_FN(sys_timerfd_gettime) {
    (void)env;
    return do_timerfd_gettime(a, 0);
}
SYS_FN(sys_timerfd_gettime64) {
    (void)env;
    return do_timerfd_gettime(a, 1);
}

/* ---- POSIX timers -------------------------------------------------------- */

/* struct sigevent on i386: sigev_value is 4 bytes (the host's 8), then
 * signo, notify and a union whose first int is the thread id of
 * SIGEV_THREAD_ID; 64 bytes in all. */
struct i386_sigevent {
    uint32_t value;
    int32_t signo, notify, tid;
    uint32_t pad[12];
};
_Static_assert(sizeof(struct i386_sigevent) == 64, "i386 sigevent");

/* The kernel's sigevent as x86-64 passes it. */
struct host_ksigevent {
    uint64_t value;
    int32_t signo, notify, tid;
    int32_t pad[11];
};

/* timer_create(clock, sevp, timerid): the timer lives in the host kernel;
 * its signal carries the guest's 32-bit sigval (sys_conv_siginfo). Guest
 * tids are host tids, so SIGEV_THREAD_ID needs no change. */
SYS_FN(sys_timer_create) {
    (void)env;
    struct host_ksigevent hev, *hp = NULL;
    if (a[1]) {
        struct i386_sigevent g;
        if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
        memset(&hev, 0, sizeof hev);
        hev.value = g.value;
        hev.signo = g.signo;
        hev.notify = g.notify;
        hev.tid = g.tid;
        hp = &hev;
    }
    int id;
    long r = sys_ret(syscall(SYS_timer_create, (int)a[0], hp, &id));
    if (r < 0) return r;
    if (sys_put(a[2], &id, 4)) {
        syscall(SYS_timer_delete, id);
        return -EFAULT;
    }
    return 0;
}

SYS_FN(sys_timer_settime) {
    (void)env;
    return do_settime(SYS_timer_settime, a, 0);
}
SYS_FN(sys_timer_settime64) {
    (void)env;
    return do_settime(SYS_timer_settime, a, 1);
}
SYS_FN(sys_timer_gettime) {
    (void)env;
    return do_gettime(SYS_timer_gettime, a, 0);
}
SYS_FN(sys_timer_gettime64) {
    (void)env;
    return do_gettime(SYS_timer_gettime, a, 1);
}
SYS_FN(sys_timer_getoverrun) {
    (void)env;
    return sys_ret(syscall(SYS_timer_getoverrun, (int)a[0]));
}
SYS_FN(sys_timer_delete) {
    (void)env;
    return sys_ret(syscall(SYS_timer_delete, (int)a[0]));
}
