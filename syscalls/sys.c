/* i386 Linux system calls on the host kernel: the table and the dispatcher.
 *
 * The table is syscalls/i386.def (X-macro). sys_dispatch reads the number
 * from EAX and the arguments from EBX ECX EDX ESI EDI EBP, calls the handler
 * and writes the result or -errno to EAX. Handlers live in family files
 * (fs.c, mm.c, proc.c, exec.c, signal.c, thread.c, time.c, ioctl.c, net.c,
 * select.c); they let the host kernel do the work, converting every guest
 * structure through syscalls/abi.h and every guest pointer through the
 * checked accessors (-EFAULT). Unknown or unimplemented numbers return
 * -ENOSYS, reported once per number under XRUN_LOG.
 *
 * -strace output (stderr, one line per call, written with one write(2)):
 *
 *     TID name(arg, arg, ...) = result
 *     PID open("/nonexistent", O_RDONLY|O_LARGEFILE) = -1 ENOENT (No such file or directory)
 *
 * Arguments are formatted before the call from the fmt column of i386.def
 * (strings quoted with C escapes and cut at 48 bytes followed by "...",
 * open/mmap flags and protections decoded symbolically, AT_FDCWD, signal
 * names, fcntl commands and ioctl requests by name) and printed with the
 * result once the call returns, so the line shows the inputs. Calls that do
 * not return (exit, exit_group, a successful execve) are printed before
 * they run with " = ?"; a failing execve then prints
 * "TID <... execve resumed> = -1 ERR (text)". A fork prints its line in both
 * processes, each with its own PID. TID is the calling thread's tid (the
 * pid in a process's main thread), as strace -f shows it; each thread
 * builds its line in its own buffer.
 *
 * execve/execveat: the guest argv and envp arrays are copied with checks
 * (-EFAULT on a bad pointer, -E2BIG past 1 MiB). When the target is an i386
 * ELF (rt_is_i386_elf) or is /proc/self/exe (or /proc/<own pid>/exe), xrun
 * re-executes itself with the same options:
 *     rt_opts.self  rt_opts.flags...  -0 ARGV0  --  PATH  argv[1] ...
 * with the guest's envp, where ARGV0 is the guest's argv[0] (PATH if argv is
 * empty) and PATH the path after -L sysroot mapping (rt_exe_path for
 * /proc/self/exe). Any other file (scripts, host binaries) is handed to the
 * host execve unchanged, so `#!` scripts run with the host's interpreter.
 */
#include "syscalls/sys.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/dispatch.h"
#include "runtime/loader.h"
#include "runtime/log.h"
#include "runtime/opts.h"
#include "runtime/signal.h"
#include "syscalls/handlers.h"

/* ---- the table ----------------------------------------------------------- */

#define SYS_MAX 512

typedef struct SysEntry {
    const char *name;
    SysHandler *fn;
    uint8_t nargs;
    const char *fmt;
} SysEntry;

static const SysEntry sys_table[SYS_MAX] = {
#define SYSCALL(nr, name, nargs, handler, fmt) [nr] = {#name, handler, nargs, fmt},
#define UNIMPL(nr, name) [nr] = {#name, NULL, 0, NULL},
#include "syscalls/i386.def"
#undef SYSCALL
#undef UNIMPL
};

const char *sys_name(int nr) {
    return nr >= 0 && nr < SYS_MAX ? sys_table[nr].name : NULL;
}

const char *sys_fmt(int nr) {
    return nr >= 0 && nr < SYS_MAX ? sys_table[nr].fmt : NULL;
}

int sys_nargs(int nr) {
    return nr >= 0 && nr < SYS_MAX ? sys_table[nr].nargs : 0;
}

/* ---- once-only reports --------------------------------------------------- */

static uint8_t sys_reported[SYS_MAX / 8];

void sys_log_once(const char *what) {
    static const char *seen[64];
    static unsigned nseen;
    if (!rt_opts.log) return;
    for (unsigned i = 0; i < nseen; i++)
        if (strcmp(seen[i], what) == 0) return;
    if (nseen < 64) seen[nseen++] = strdup(what);
    rt_log("%s", what);
}

static void report_unknown(uint32_t nr) {
    if (!rt_opts.log) return;
    if (nr < SYS_MAX) {
        if (sys_reported[nr / 8] & (1u << (nr % 8))) return;
        sys_reported[nr / 8] |= (uint8_t)(1u << (nr % 8));
    }
    const char *name = nr < SYS_MAX ? sys_table[nr].name : NULL;
    if (name)
        rt_log("unimplemented syscall %u (%s): returning -ENOSYS", nr, name);
    else
        rt_log("unknown syscall %u: returning -ENOSYS", nr);
}

/* ---- dispatch ------------------------------------------------------------ */

void sys_init(void) {
    memset(sys_reported, 0, sizeof sys_reported);
}

void sys_dispatch(CPUState *env) {
    uint32_t nr = env->regs[R_EAX];
    uint32_t a[6] = {env->regs[R_EBX], env->regs[R_ECX], env->regs[R_EDX],
                     env->regs[R_ESI], env->regs[R_EDI], env->regs[R_EBP]};
    rt_stats.syscalls++;
    SysHandler *fn = nr < SYS_MAX ? sys_table[nr].fn : NULL;
    if (rt_opts.strace) sys_trace_enter((int)nr, a);
    long r;
    if (fn) {
        r = fn(env, a);
    } else {
        report_unknown(nr);
        r = -ENOSYS;
    }
    /* A host call cut short by a host signal for the guest: the kernel's
     * restart code, resolved at the next safe point (handlers such as
     * sigsuspend return one themselves). */
    int rc = r == -EINTR ? sys_restart_class(nr, a) : 0;
    if (rc && rc != EINTR) r = -rc;
    if (rt_opts.strace) sys_trace_exit((int)nr, r);
    env->regs[R_EAX] = (uint32_t)r;
    if (r >= -G_ERESTART_RESTARTBLOCK && r <= -G_ERESTARTSYS) rt_signal_syscall_interrupted(env, nr);
}

/* ---- restart after a signal (man 7 signal, kernel handle_signal) --------- */

#define FUTEX_CMD_MASK 0x7f /* without FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME */

int sys_restart_class(uint32_t nr, const uint32_t *a) {
    switch (nr) {
    case 119: /* sigreturn */
    case 173: /* rt_sigreturn */
        return 0;
    case 29:  /* pause */
    case 72:  /* sigsuspend */
    case 179: /* rt_sigsuspend */
    case 82:  /* select */
    case 142: /* _newselect */
    case 168: /* poll */
    case 308: /* pselect6 */
    case 309: /* ppoll */
    case 413: /* pselect6_time64 */
    case 414: /* ppoll_time64 */
        return G_ERESTARTNOHAND;
    case 162: /* nanosleep */
        return G_ERESTART_RESTARTBLOCK;
    case 267: /* clock_nanosleep: absolute sleeps restart without a handler */
    case 407:
        return (a[1] & 1u) ? G_ERESTARTNOHAND : G_ERESTART_RESTARTBLOCK;
    case 240: /* futex: a wait with a timeout uses the restart block */
    case 422: {
        uint32_t cmd = a[1] & FUTEX_CMD_MASK;
        bool wait = cmd == 0 /* WAIT */ || cmd == 9 /* WAIT_BITSET */;
        if (wait && a[3]) return G_ERESTART_RESTARTBLOCK;
        if (cmd == 6 || cmd == 8 || cmd == 12 || cmd == 13) return G_ERESTARTNOINTR; /* PI */
        return G_ERESTARTSYS;
    }
    case 177: /* rt_sigtimedwait */
    case 421:
    case 256: /* epoll_wait */
    case 319: /* epoll_pwait */
    case 441: /* epoll_pwait2 */
    case 117: /* ipc (msgrcv, msgsnd, semop) */
    case 245: /* io_getevents */
    case 401: /* msgsnd */
    case 402: /* msgrcv */
    case 420: /* semtimedop_time64 */
        return EINTR;
    default:
        return G_ERESTARTSYS;
    }
}

/* ---- guest memory helpers ------------------------------------------------ */

int sys_put(uint32_t a, const void *src, uint32_t len) {
    void *p = GOUT(a, len);
    if (!p) return -EFAULT;
    memcpy(p, src, len);
    return 0;
}

int sys_get(void *dst, uint32_t a, uint32_t len) {
    const void *p = GIN(a, len);
    if (!p) return -EFAULT;
    memcpy(dst, p, len);
    return 0;
}

/* ---- paths --------------------------------------------------------------- */

const char *sys_path_raw(uint32_t a, long *err) {
    const char *s = rt_gstr(a, PATH_MAX);
    if (!s) *err = rt_g2h_checked(a, 1, PROT_READ) ? -ENAMETOOLONG : -EFAULT;
    return s;
}

/* True for "/proc/self/exe" and "/proc/<our pid>/exe". */
static int is_proc_self_exe(const char *p) {
    if (strncmp(p, "/proc/", 6) != 0) return 0;
    p += 6;
    const char *rest = NULL;
    if (strncmp(p, "self/", 5) == 0) {
        rest = p + 5;
    } else {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p || *end != '/' || pid != (long)getpid()) return 0;
        rest = end + 1;
    }
    return strcmp(rest, "exe") == 0;
}

const char *sys_path(uint32_t a, char *buf, long *err) {
    const char *s = sys_path_raw(a, err);
    if (!s) return NULL;
    if (s[0] != '/') return s;
    if (is_proc_self_exe(s) && rt_exe_path[0]) return rt_exe_path;
    const char *root = rt_opts.sysroot;
    if (!root || !root[0] || strcmp(root, "/") == 0 || strcmp(s, "/") == 0) return s;
    if (!strncmp(s, "/proc/", 6) || !strncmp(s, "/dev/", 5) || !strncmp(s, "/sys/", 5)) return s;
    size_t rl = strlen(root), sl = strlen(s);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (rl + sl >= PATH_MAX) return s;
    memcpy(buf, root, rl);
    memcpy(buf + rl, s, sl + 1);
    struct stat st;
    return lstat(buf, &st) == 0 ? buf : s;
}
