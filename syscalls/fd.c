/* File descriptors: close, dup, pipe, fcntl (with flock conversion), flock,
 * epoll, eventfd, inotify, memfd. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/safe_syscall.h"
#include "runtime/signal.h"
#include "syscalls/handlers.h"
#include "syscalls/dirent.h"

/* Closing and duplicating keep syscalls/dirent.c's per-descriptor state in
 * step (a close that fails other than EBADF still frees the number). */
SYS_FN(sys_close) {
    (void)env;
    long r = sys_ret(close((int)a[0]));
    sys_dir_forget((int)a[0]);
    return r;
}
SYS_FN(sys_dup) {
    (void)env;
    long r = sys_ret(dup((int)a[0]));
    if (r >= 0) sys_dir_dup((int)a[0], (int)r);
    return r;
}
SYS_FN(sys_dup2) {
    (void)env;
    long r = sys_ret(dup2((int)a[0], (int)a[1]));
    if (r >= 0 && a[0] != a[1]) sys_dir_dup((int)a[0], (int)a[1]);
    return r;
}
SYS_FN(sys_dup3) {
    (void)env;
    long r = sys_ret(dup3((int)a[0], (int)a[1], (int)a[2]));
    if (r >= 0) sys_dir_dup((int)a[0], (int)a[1]);
    return r;
}
SYS_FN(sys_flock) {
    (void)env;
    return sys_ret(flock((int)a[0], (int)a[1]));
}

SYS_FN(sys_close_range) {
    (void)env;
    long r = sys_ret(syscall(SYS_close_range, a[0], a[1], a[2]));
    if (r == 0 && !(a[2] & CLOSE_RANGE_CLOEXEC)) sys_dir_forget_range(a[0], a[1]);
    return r;
}

/* ---- pipes --------------------------------------------------------------- */

SYS_FN(sys_pipe2) {
    (void)env;
    int *p = GOUT(a[0], 8); /* int[2] has the same layout on both sides */
    if (!p) return -EFAULT;
    return sys_ret(pipe2(p, (int)a[1]));
}

SYS_FN(sys_pipe) {
    uint32_t b[2] = {a[0], 0};
    return sys_pipe2(env, b);
}

/* ---- fcntl --------------------------------------------------------------- */

/* The i386 command numbers that differ from or do not exist on x86-64. */
enum {
    G_F_GETLK64 = 12,
    G_F_SETLK64 = 13,
    G_F_SETLKW64 = 14,
    G_F_SETOWN_EX = 15,
    G_F_GETOWN_EX = 16,
    G_F_GETOWNER_UIDS = 17,
    G_F_OFD_GETLK = 36,
    G_F_OFD_SETLK = 37,
    G_F_OFD_SETLKW = 38,
    G_F_GET_RW_HINT = 1035,
    G_F_SET_FILE_RW_HINT = 1038,
};

/* A lock command on a guest struct flock (is64 = 0) or flock64 (is64 = 1). */
static long fcntl_lock(int fd, int hcmd, uint32_t ga, int is64) {
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    if (is64) {
        struct i386_flock64 g;
        if (sys_get(&g, ga, sizeof g)) return -EFAULT;
        fl.l_type = g.l_type;
        fl.l_whence = g.l_whence;
        fl.l_start = g.l_start;
        fl.l_len = g.l_len;
        fl.l_pid = g.l_pid;
    } else {
        struct i386_flock g;
        if (sys_get(&g, ga, sizeof g)) return -EFAULT;
        fl.l_type = g.l_type;
        fl.l_whence = g.l_whence;
        fl.l_start = g.l_start;
        fl.l_len = g.l_len;
        fl.l_pid = g.l_pid;
    }
    long r = sys_ret(syscall(SYS_fcntl, fd, hcmd, &fl));
    if (r < 0 || (hcmd != F_GETLK && hcmd != F_OFD_GETLK)) return r;
    if (is64) {
        struct i386_flock64 g = {fl.l_type, fl.l_whence, fl.l_start, fl.l_len, fl.l_pid};
        return sys_put(ga, &g, sizeof g);
    }
    if (fl.l_start > INT32_MAX || fl.l_len > INT32_MAX || fl.l_start + fl.l_len > INT32_MAX)
        return -EOVERFLOW;
    struct i386_flock g = {fl.l_type, fl.l_whence, (int32_t)fl.l_start, (int32_t)fl.l_len,
                           fl.l_pid};
    return sys_put(ga, &g, sizeof g);
}

static long do_fcntl(const uint32_t *a, int is64) {
    int fd = (int)a[0];
    uint32_t cmd = a[1], arg = a[2];
    switch (cmd) {
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        return fcntl_lock(fd, (int)cmd, arg, 0);
    case G_F_GETLK64:
    case G_F_SETLK64:
    case G_F_SETLKW64:
        if (!is64) return -EINVAL;
        return fcntl_lock(fd, (int)(cmd - G_F_GETLK64 + F_GETLK), arg, 1);
    case G_F_OFD_GETLK:
    case G_F_OFD_SETLK:
    case G_F_OFD_SETLKW:
        if (!is64) return -EINVAL;
        return fcntl_lock(fd, (int)cmd, arg, 1);
    case G_F_SETOWN_EX:
    case G_F_GETOWN_EX:
    case G_F_GETOWNER_UIDS: {
        void *p = GOUT(arg, 8); /* struct f_owner_ex / uid_t[2]: same layout */
        if (!p) return -EFAULT;
        return sys_ret(syscall(SYS_fcntl, fd, cmd, p));
    }
    default:
        if (cmd >= G_F_GET_RW_HINT && cmd <= G_F_SET_FILE_RW_HINT) {
            void *p = GOUT(arg, 8);
            if (!p) return -EFAULT;
            return sys_ret(syscall(SYS_fcntl, fd, cmd, p));
        }
        /* Integer argument (F_SETOWN takes a negative process group). */
        long r = sys_ret(syscall(SYS_fcntl, fd, cmd, (long)(int32_t)arg));
        if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) sys_dir_dup(fd, (int)r);
        return r;
    }
}

SYS_FN(sys_fcntl) {
    (void)env;
    return do_fcntl(a, 0);
}
SYS_FN(sys_fcntl64) {
    (void)env;
    return do_fcntl(a, 1);
}

/* ---- epoll (struct epoll_event is 12 bytes on both sides) ---------------- */

_Static_assert(sizeof(struct epoll_event) == 12, "packed epoll_event on x86-64");

SYS_FN(sys_epoll_create) {
    (void)env;
    return sys_ret(epoll_create((int)a[0]));
}
SYS_FN(sys_epoll_create1) {
    (void)env;
    return sys_ret(epoll_create1((int)a[0]));
}

SYS_FN(sys_epoll_ctl) {
    (void)env;
    struct epoll_event *ev = NULL;
    if (a[3] && !(ev = GIN(a[3], 12))) return -EFAULT;
    return sys_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], ev));
}

SYS_FN(sys_epoll_wait) {
    (void)env;
    int32_t max = (int32_t)a[2];
    if (max <= 0 || max > INT_MAX / 12) return -EINVAL;
    struct epoll_event *ev = GOUT(a[1], (uint32_t)max * 12);
    if (!ev) return -EFAULT;
    return rt_safe_syscall(SYS_epoll_pwait, (int)a[0], ev, max, (int)a[3], NULL, 8);
}

SYS_FN(sys_epoll_pwait) {
    (void)env;
    int32_t max = (int32_t)a[2];
    if (max <= 0 || max > INT_MAX / 12) return -EINVAL;
    struct epoll_event *ev = GOUT(a[1], (uint32_t)max * 12);
    if (!ev) return -EFAULT;
    if (!a[4]) return rt_safe_syscall(SYS_epoll_pwait, (int)a[0], ev, max, (int)a[3], NULL, 8);
    uint64_t gm;
    int e = sys_get_sigset(&gm, a[4], a[5]);
    if (e) return e;
    rt_signal_temp_mask(gm);
    long r = rt_safe_syscall(SYS_epoll_pwait, (int)a[0], ev, max, (int)a[3], NULL, 8);
    rt_signal_temp_mask_done(r);
    return r;
}

/* ---- eventfd, inotify, memfd --------------------------------------------- */

SYS_FN(sys_eventfd) {
    (void)env;
    return sys_ret(eventfd(a[0], 0));
}
SYS_FN(sys_eventfd2) {
    (void)env;
    return sys_ret(eventfd(a[0], (int)a[1]));
}
SYS_FN(sys_inotify_init) {
    (void)env;
    (void)a;
    return sys_ret(inotify_init());
}
SYS_FN(sys_inotify_init1) {
    (void)env;
    return sys_ret(inotify_init1((int)a[0]));
}
SYS_FN(sys_inotify_rm_watch) {
    (void)env;
    return sys_ret(inotify_rm_watch((int)a[0], (int)a[1]));
}

SYS_FN(sys_inotify_add_watch) {
    (void)env;
    char buf[PATH_MAX];
    long err;
    const char *p = sys_path(a[1], buf, &err);
    if (!p) return err;
    return sys_ret(inotify_add_watch((int)a[0], p, a[2]));
}

SYS_FN(sys_memfd_create) {
    (void)env;
    long err;
    const char *name = sys_path_raw(a[0], &err);
    if (!name) return err;
    return sys_ret(syscall(SYS_memfd_create, name, a[1]));
}
