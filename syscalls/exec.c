/* fork, vfork, clone and clone3 (threads: syscalls/thread.c) and execve/execveat.
 * The execve rules (when xrun re-executes itself) are described at the top
 * of syscalls/sys.c. */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/loader.h"
#include "runtime/opts.h"
#include "runtime/thread.h"
#include "syscalls/handlers.h"

/* ---- fork and clone ------------------------------------------------------ */

SYS_FN(sys_fork) {
    (void)env;
    (void)a;
    return sys_ret(fork());
}

/* vfork is clone(CLONE_VM | CLONE_VFORK | SIGCHLD) on the caller's stack. */
SYS_FN(sys_vfork) {
    (void)a;
    return sys_clone_vm(env, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

/* Flags xrun handles itself in a forked child; the rest (exit signal,
 * CLONE_VFORK, CLONE_PARENT, namespaces, ...) is passed to the host clone. */
#define CLONE_HANDLED                                                                              \
    (CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)

/* clone(flags, newsp, parent_tid, tls, child_tid) -- the i386 order.
 * CLONE_THREAD makes a guest thread and CLONE_VM alone a process sharing
 * the memory (syscalls/thread.c, runtime/thread.c); otherwise the child is
 * a fork (with CLONE_VFORK the parent waits for its exec or exit, as the
 * host kernel does it). */
static long do_clone(CPUState *env, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls,
                     uint32_t ctid) {
    if (flags & CLONE_THREAD) return sys_clone_thread(env, flags, newsp, ptid, tls, ctid);
    if (flags & CLONE_VM) return sys_clone_vm(env, flags, newsp, ptid, tls, ctid);
    if (flags & CLONE_SIGHAND) return -EINVAL; /* the kernel's rule: it needs CLONE_VM */
    if ((flags & CLONE_PIDFD) || (flags & CLONE_FILES)) {
        sys_log_once("clone: CLONE_PIDFD/CLONE_FILES not supported (returning -EINVAL)");
        return -EINVAL;
    }
    uint32_t host_flags = flags & ~(uint32_t)CLONE_HANDLED;
    long pid;
    if (host_flags == SIGCHLD) {
        pid = sys_ret(fork()); /* runs the atfork handlers (runtime/thread.h) */
    } else {
        rt_fork_prepare();
        pid = sys_ret(syscall(SYS_clone, (unsigned long)host_flags, NULL, NULL, NULL, 0ul));
        if (pid == 0)
            rt_fork_child();
        else
            rt_fork_parent();
    }
    if (pid < 0) return pid;
    if (pid == 0) {
        if (newsp) env->regs[R_ESP] = newsp;
        if (flags & CLONE_SETTLS) sys_do_set_thread_area(env, tls);
        if (flags & CLONE_CHILD_SETTID) {
            int32_t tid = (int32_t)syscall(SYS_gettid);
            sys_put(ctid, &tid, 4);
        }
        if (flags & CLONE_CHILD_CLEARTID) env->clear_child_tid = ctid;
        return 0;
    }
    if (flags & CLONE_PARENT_SETTID) {
        int32_t p = (int32_t)pid;
        sys_put(ptid, &p, 4);
    }
    return pid;
}

SYS_FN(sys_clone) {
    return do_clone(env, a[0], a[1], a[2], a[3], a[4]);
}

/* struct clone_args (every field 64 bits wide, the same on i386). */
struct clone_args64 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64u

/* clone3(args, size): the same as clone, with the stack given as base and
 * size and the exit signal apart. set_tid and cgroup are not supported. */
SYS_FN(sys_clone3) {
    struct clone_args64 ca;
    uint32_t size = a[1];
    if (size < CLONE_ARGS_SIZE_VER0 || size > 4096) return -EINVAL;
    memset(&ca, 0, sizeof ca);
    if (sys_get(&ca, a[0], size < sizeof ca ? size : (uint32_t)sizeof ca)) return -EFAULT;
    if (size > sizeof ca) { /* unknown trailing fields must be zero */
        const uint8_t *rest = GIN(a[0] + (uint32_t)sizeof ca, size - (uint32_t)sizeof ca);
        if (!rest) return -EFAULT;
        for (uint32_t i = 0; i < size - sizeof ca; i++)
            if (rest[i]) return -E2BIG;
    }
    if ((ca.flags & 0xff) || ca.flags >> 32 || ca.exit_signal > 64) return -EINVAL;
    if (ca.set_tid || ca.set_tid_size || ca.cgroup || (ca.flags & CLONE_PIDFD)) {
        sys_log_once("clone3: set_tid, cgroup and pidfd are not supported (returning -ENOSYS)");
        return -ENOSYS;
    }
    if ((ca.stack == 0) != (ca.stack_size == 0)) return -EINVAL;
    uint32_t sp = (uint32_t)(ca.stack + ca.stack_size);
    return do_clone(env, (uint32_t)ca.flags | (uint32_t)ca.exit_signal, sp,
                    (uint32_t)ca.parent_tid, (uint32_t)ca.tls, (uint32_t)ca.child_tid);
}

/* ---- execve -------------------------------------------------------------- */

#define MAX_ARG_STRLEN (32u * 4096u)
#define MAX_ARGS (1u << 20)

/* Copy a NULL-terminated guest array of strings into a malloc'd host
 * array, leaving `extra` free slots in front. NULL array = empty. */
static long copy_strv(uint32_t ga, char ***out, size_t extra, size_t *count) {
    size_t cap = 16 + extra, n = extra;
    char **v = malloc(cap * sizeof *v);
    if (!v) return -ENOMEM;
    for (uint32_t i = 0; ga; i++) {
        uint32_t p;
        if (i >= MAX_ARGS) {
            free(v);
            return -E2BIG;
        }
        if (sys_get(&p, ga + 4u * i, 4)) {
            free(v);
            return -EFAULT;
        }
        if (!p) break;
        const char *s = rt_gstr(p, MAX_ARG_STRLEN);
        if (!s) {
            free(v);
            return rt_g2h_checked(p, 1, PROT_READ) ? -E2BIG : -EFAULT;
        }
        if (n + 2 > cap) {
            cap *= 2;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                free(v);
                return -ENOMEM;
            }
            v = nv;
        }
        v[n++] = (char *)s;
    }
    v[n] = NULL;
    *out = v;
    *count = n - extra;
    return 0;
}

static long do_execve(uint32_t dirfd, uint32_t gpath, uint32_t gargv, uint32_t genvp,
                      uint32_t flags) {
    char buf[PATH_MAX], fdpath[PATH_MAX + 32];
    long err;
    const char *raw = sys_path_raw(gpath, &err);
    if (!raw) return err;
    const char *path;
    int32_t dfd = (int32_t)dirfd;
    if (raw[0] == '/' || dfd == G_AT_FDCWD) {
        path = sys_path(gpath, buf, &err);
        if (!path) return err;
    } else {
        /* execveat relative to a descriptor: name it through /proc. */
        if (!raw[0] && !(flags & AT_EMPTY_PATH)) return -ENOENT;
        snprintf(fdpath, sizeof fdpath, raw[0] ? "/proc/self/fd/%d/%s" : "/proc/self/fd/%d", dfd,
                 raw);
        path = fdpath;
    }
    if (flags & AT_SYMLINK_NOFOLLOW) {
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) return -ELOOP;
    }

    int guest = path == rt_exe_path || rt_is_i386_elf(path);
    if (guest && access(path, X_OK) != 0) return -errno;

    /* Room in front of argv for xrun's own arguments: self, flags, -0, argv0,
     * --; then the path takes the place of the guest's argv[0]. */
    size_t extra = guest ? (size_t)rt_opts.nflags + 4 : 0;
    char **argv, **envp;
    size_t argc, envc;
    long r = copy_strv(gargv, &argv, extra, &argc);
    if (r) return r;
    r = copy_strv(genvp, &envp, 0, &envc);
    if (r) {
        free(argv);
        return r;
    }
    fflush(NULL);
    if (guest) {
        const char *self = rt_opts.self ? rt_opts.self : "/proc/self/exe";
        const char *argv0 = argc ? argv[extra] : path;
        size_t k = 0;
        argv[k++] = (char *)self;
        for (int i = 0; i < rt_opts.nflags; i++)
            argv[k++] = rt_opts.flags[i];
        argv[k++] = "-0";
        argv[k++] = (char *)argv0;
        argv[k++] = "--";
        argv[k++] = (char *)path;  /* replaces the guest's argv[0] */
        if (!argc) argv[k] = NULL; /* copy_strv left room for this */
        execve(self, argv, envp);
    } else {
        execve(path, argv, envp);
    }
    r = -errno;
    free(argv);
    free(envp);
    return r;
}

SYS_FN(sys_execve) {
    (void)env;
    return do_execve((uint32_t)G_AT_FDCWD, a[0], a[1], a[2], 0);
}

SYS_FN(sys_execveat) {
    (void)env;
    return do_execve(a[0], a[1], a[2], a[3], a[4]);
}
