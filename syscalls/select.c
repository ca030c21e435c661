/* Waiting on descriptors: poll/ppoll (struct pollfd is the same on both
 * sides) and the select family. fd_set is a bit array in both ABIs; on
 * little-endian hosts the bytes are laid out the same, only the word size
 * (and so the rounding of the array length) differs. */
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "runtime/safe_syscall.h"
#include "runtime/signal.h"
#include "syscalls/handlers.h"

#define MAX_SELECT_FDS (1 << 20)

/* ---- poll ---------------------------------------------------------------- */

SYS_FN(sys_poll) {
    (void)env;
    if (a[1] > MAX_SELECT_FDS) return -EINVAL;
    struct pollfd *p = GOUT(a[0], a[1] * 8u);
    if (!p) return -EFAULT;
    struct timespec ts = {(int)a[2] / 1000, ((int)a[2] % 1000) * 1000000L};
    return rt_safe_syscall(SYS_ppoll, p, (nfds_t)a[1], (int)a[2] < 0 ? NULL : &ts, NULL, 8);
}

static long do_ppoll(const uint32_t *a, int t64) {
    if (a[1] > MAX_SELECT_FDS) return -EINVAL;
    struct pollfd *p = GOUT(a[0], a[1] * 8u);
    if (!p) return -EFAULT;
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        if (t64 ? sys_get_ts64(a[2], &ts) : sys_get_ts32(a[2], &ts)) return -EFAULT;
        tp = &ts;
    }
    uint64_t gm;
    if (a[3]) {
        int e = sys_get_sigset(&gm, a[3], a[4]);
        if (e) return e;
        rt_signal_temp_mask(gm);
    }
    long r = rt_safe_syscall(SYS_ppoll, p, (nfds_t)a[1], tp, NULL, 8);
    if (a[3]) rt_signal_temp_mask_done(r);
    if (tp && (r >= 0 || r == -EINTR)) {
        int e = t64 ? sys_put_ts64(a[2], &ts) : sys_put_ts32(a[2], &ts);
        if (e) return e;
    }
    return r;
}

SYS_FN(sys_ppoll) {
    (void)env;
    return do_ppoll(a, 0);
}
SYS_FN(sys_ppoll_time64) {
    (void)env;
    return do_ppoll(a, 1);
}

/* ---- select -------------------------------------------------------------- */

enum { TO_NONE, TO_TV32, TO_TS32, TO_TS64 };

/* select core: n, three guest fd_set pointers, a guest timeout of kind
 * `tk` at tga (0 = none), an optional guest signal mask. */
static long do_select(int32_t n, const uint32_t *sets, uint32_t tga, int tk, uint32_t sigarg) {
    if (n < 0 || n > MAX_SELECT_FDS) return -EINVAL;
    uint32_t gbytes = (uint32_t)(n + 31) / 32 * 4;
    size_t hbytes = (size_t)(n + 63) / 64 * 8;
    uint8_t *buf = calloc(3, hbytes ? hbytes : 8);
    if (!buf) return -ENOMEM;
    uint8_t *host[3] = {NULL, NULL, NULL};
    uint8_t *gp[3] = {NULL, NULL, NULL};
    long r = 0;
    for (int i = 0; i < 3 && r == 0; i++) {
        if (!sets[i]) continue;
        gp[i] = GOUT(sets[i], gbytes);
        if (!gp[i]) {
            r = -EFAULT;
            break;
        }
        host[i] = buf + (size_t)i * (hbytes ? hbytes : 8);
        memcpy(host[i], gp[i], gbytes);
    }
    struct timespec ts, *tp = NULL;
    if (r == 0 && tga && tk != TO_NONE) {
        struct timeval tv;
        if (tk == TO_TV32) {
            if (sys_get_tv32(tga, &tv)) {
                r = -EFAULT;
            } else if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000) {
                r = -EINVAL;
            } else {
                ts.tv_sec = tv.tv_sec;
                ts.tv_nsec = tv.tv_usec * 1000;
            }
        } else if (tk == TO_TS32 ? sys_get_ts32(tga, &ts) : sys_get_ts64(tga, &ts)) {
            r = -EFAULT;
        }
        tp = &ts;
    }
    bool masked = false;
    if (r == 0 && sigarg) {
        struct i386_sigset_arg sa;
        if (sys_get(&sa, sigarg, sizeof sa)) {
            r = -EFAULT;
        } else if (sa.ss) {
            uint64_t gm;
            r = sys_get_sigset(&gm, sa.ss, sa.ss_len);
            if (r == 0) {
                rt_signal_temp_mask(gm);
                masked = true;
            }
        }
    }
    if (r == 0) {
        r = rt_safe_syscall(SYS_pselect6, n, host[0], host[1], host[2], tp, NULL);
        if (masked) rt_signal_temp_mask_done(r);
        if (r >= 0)
            for (int i = 0; i < 3; i++)
                if (gp[i]) memcpy(gp[i], host[i], gbytes);
        if (tp && (r >= 0 || r == -EINTR)) {
            int e;
            if (tk == TO_TV32) {
                struct timeval tv = {ts.tv_sec, ts.tv_nsec / 1000};
                e = sys_put_tv32(tga, &tv);
            } else {
                e = tk == TO_TS32 ? sys_put_ts32(tga, &ts) : sys_put_ts64(tga, &ts);
            }
            if (e == -EFAULT) r = -EFAULT;
        }
    }
    free(buf);
    return r;
}

SYS_FN(sys_newselect) {
    (void)env;
    return do_select((int32_t)a[0], &a[1], a[4], TO_TV32, 0);
}

/* The old select takes a pointer to its five arguments. */
SYS_FN(sys_old_select) {
    (void)env;
    struct i386_sel_arg s;
    if (sys_get(&s, a[0], sizeof s)) return -EFAULT;
    uint32_t sets[3] = {s.inp, s.outp, s.exp};
    return do_select((int32_t)s.n, sets, s.tvp, TO_TV32, 0);
}

SYS_FN(sys_pselect6) {
    (void)env;
    return do_select((int32_t)a[0], &a[1], a[4], TO_TS32, a[5]);
}

SYS_FN(sys_pselect6_time64) {
    (void)env;
    return do_select((int32_t)a[0], &a[1], a[4], TO_TS64, a[5]);
}
