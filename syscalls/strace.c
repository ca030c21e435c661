/* -strace: one line per syscall on stderr (format described in sys.c). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/handlers.h"

#define STR_MAX 48

typedef struct FlagName {
    uint32_t bit;
    const char *name;
} FlagName;

/* i386 values, spelled out (the host's O_LARGEFILE is 0, for one). */
static const FlagName open_flags[] = {
    {0100, "O_CREAT"},       {0200, "O_EXCL"},           {0400, "O_NOCTTY"},
    {01000, "O_TRUNC"},      {02000, "O_APPEND"},        {04000, "O_NONBLOCK"},
    {04010000, "O_SYNC"},    {010000, "O_DSYNC"},        {020000, "O_ASYNC"},
    {040000, "O_DIRECT"},    {0100000, "O_LARGEFILE"},   {0200000, "O_DIRECTORY"},
    {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"},    {02000000, "O_CLOEXEC"},
    {010000000, "O_PATH"},   {020000000, "__O_TMPFILE"}, {0, NULL},
};

static const FlagName prot_flags[] = {
    {0x1, "PROT_READ"},           {0x2, "PROT_WRITE"},
    {0x4, "PROT_EXEC"},           {0x01000000, "PROT_GROWSDOWN"},
    {0x02000000, "PROT_GROWSUP"}, {0, NULL},
};

static const FlagName map_flags[] = {
    {0x10, "MAP_FIXED"},
    {0x20, "MAP_ANONYMOUS"},
    {0x40, "MAP_32BIT"},
    {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"},
    {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"},
    {0x8000, "MAP_POPULATE"},
    {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"},
    {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},
    {0x100000, "MAP_FIXED_NOREPLACE"},
    {0, NULL},
};

static const char *const fcntl_names[] = {
    [0] = "F_DUPFD",      [1] = "F_GETFD",      [2] = "F_SETFD",      [3] = "F_GETFL",
    [4] = "F_SETFL",      [5] = "F_GETLK",      [6] = "F_SETLK",      [7] = "F_SETLKW",
    [8] = "F_SETOWN",     [9] = "F_GETOWN",     [10] = "F_SETSIG",    [11] = "F_GETSIG",
    [12] = "F_GETLK64",   [13] = "F_SETLK64",   [14] = "F_SETLKW64",  [15] = "F_SETOWN_EX",
    [16] = "F_GETOWN_EX", [36] = "F_OFD_GETLK", [37] = "F_OFD_SETLK", [38] = "F_OFD_SETLKW",
};

static const char *const sig_names[] = {
    NULL,        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

/* ---- a bounded line buffer ----------------------------------------------- */

/* Per thread: threads trace their calls at the same time. */
static _Thread_local char tline[2048];
static _Thread_local size_t tlen;
static _Thread_local int tpending_noreturn;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...) {
    if (tlen >= sizeof tline) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tline + tlen, sizeof tline - tlen, fmt, ap);
    va_end(ap);
    if (n > 0) tlen += (size_t)n;
    if (tlen > sizeof tline - 1) tlen = sizeof tline - 1;
}

/* Quoted, escaped, at most STR_MAX bytes of s[0..n) ("..." when cut). */
static void out_quoted(const char *s, size_t n, int more) {
    out("\"");
    size_t lim = n < STR_MAX ? n : STR_MAX;
    for (size_t i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\n':
            out("\\n");
            break;
        case '\t':
            out("\\t");
            break;
        case '\r':
            out("\\r");
            break;
        case '"':
            out("\\\"");
            break;
        case '\\':
            out("\\\\");
            break;
        default:
            if (c >= 32 && c < 127)
                out("%c", c);
            else
                out("\\%o", c);
        }
    }
    out("\"%s", n > lim || more ? "..." : "");
}

static void out_flags(uint32_t v, const FlagName *t) {
    int first = 1;
    for (; t->name; t++) {
        if ((v & t->bit) == t->bit) {
            out("%s%s", first ? "" : "|", t->name);
            v &= ~t->bit;
            first = 0;
        }
    }
    if (v || first) out("%s0x%x", first ? "" : "|", v);
}

static void out_ptr(uint32_t p) {
    if (p)
        out("0x%x", p);
    else
        out("NULL");
}

/* One argument by its format letter; `next` is the following argument. */
static void out_arg(char f, uint32_t v, uint32_t next) {
    switch (f) {
    case 'd':
        out("%d", (int32_t)v);
        break;
    case 'u':
        out("%u", v);
        break;
    case 'o':
        out("0%o", v);
        break;
    case 'p':
        out_ptr(v);
        break;
    case 'a':
        if ((int32_t)v == G_AT_FDCWD)
            out("AT_FDCWD");
        else
            out("%d", (int32_t)v);
        break;
    case 's': {
        const char *s = v ? rt_gstr(v, PATH_MAX) : NULL;
        if (s)
            out_quoted(s, strlen(s), 0);
        else
            out_ptr(v);
        break;
    }
    case 'b': {
        uint32_t n = next < STR_MAX ? next : STR_MAX;
        const char *s = v ? GIN(v, n) : NULL;
        if (s)
            out_quoted(s, n, next > n);
        else
            out_ptr(v);
        break;
    }
    case 'f': {
        static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        out("%s", acc[v & 3]);
        if (v & ~3u) {
            out("|");
            out_flags(v & ~3u, open_flags);
        }
        break;
    }
    case 'P':
        if (v)
            out_flags(v, prot_flags);
        else
            out("PROT_NONE");
        break;
    case 'M': {
        static const char *const type[] = {"0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
        out("%s", type[v & 3]);
        if (v & ~3u) {
            out("|");
            out_flags(v & ~3u, map_flags);
        }
        break;
    }
    case 'S':
        if (v < sizeof sig_names / sizeof sig_names[0] && sig_names[v])
            out("%s", sig_names[v]);
        else if (v >= 34 && v <= 64)
            out("SIGRT_%u", v - 32);
        else
            out("%d", (int32_t)v);
        break;
    case 'F':
        if (v < sizeof fcntl_names / sizeof fcntl_names[0] && fcntl_names[v])
            out("%s", fcntl_names[v]);
        else if (v == 1030)
            out("F_DUPFD_CLOEXEC");
        else
            out("%u", v);
        break;
    case 'I': {
        const char *n = sys_ioctl_name(v);
        if (n)
            out("%s", n);
        else
            out("0x%x", v);
        break;
    }
    default:
        out("0x%x", v);
        break;
    }
}

/* ---- enter / exit -------------------------------------------------------- */

static void flush_line(const char *tail) {
    char buf[sizeof tline + 160];
    /* The tid, as strace -f shows it: the pid in the main thread. */
    int n = snprintf(buf, sizeof buf, "%d %.*s%s\n", (int)syscall(SYS_gettid), (int)tlen, tline,
                     tail);
    if (n > (int)sizeof buf - 1) n = (int)sizeof buf - 1;
    int saved = errno;
    ssize_t w = write(2, buf, (size_t)n);
    (void)w;
    errno = saved;
}

static int is_noreturn(const char *name) {
    return !strcmp(name, "exit") || !strcmp(name, "exit_group") || !strcmp(name, "execve") ||
           !strcmp(name, "execveat");
}

void sys_trace_enter(int nr, const uint32_t *a) {
    tlen = 0;
    tpending_noreturn = 0;
    const char *name = sys_name(nr);
    const char *fmt = sys_fmt(nr);
    if (!name) {
        out("syscall_%d(0x%x, 0x%x, 0x%x, 0x%x, 0x%x, 0x%x)", nr, a[0], a[1], a[2], a[3], a[4],
            a[5]);
        return;
    }
    out("%s(", name);
    if (!fmt) {
        out("0x%x, 0x%x, 0x%x, ...", a[0], a[1], a[2]);
    } else {
        int n = sys_nargs(nr);
        for (int i = 0; i < n && fmt[i] && fmt[i] != '='; i++) {
            if (i) out(", ");
            out_arg(fmt[i], a[i], i + 1 < 6 ? a[i + 1] : 0);
        }
    }
    out(")");
    if (is_noreturn(name)) {
        tpending_noreturn = 1;
        flush_line(" = ?");
    }
}

void sys_trace_exit(int nr, long ret) {
    char tail[160];
    int32_t r = (int32_t)ret;
    /* The kernel-internal restart codes, as strace shows them. */
    static const char *const restart[][2] = {
        {"ERESTARTSYS", "To be restarted if SA_RESTART is set"},
        {"ERESTARTNOINTR", "To be restarted"},
        {"ERESTARTNOHAND", "To be restarted if no handler"},
        {NULL, NULL},
        {"ERESTART_RESTARTBLOCK", "Interrupted by signal"},
    };
    if (r <= -512 && r >= -516 && restart[-r - 512][0]) {
        snprintf(tail, sizeof tail, " = ? %s (%s)", restart[-r - 512][0], restart[-r - 512][1]);
    } else if (r < 0 && r >= -4095) {
        const char *en = strerrorname_np(-r);
        snprintf(tail, sizeof tail, " = -1 %s (%s)", en ? en : "E?", strerror(-r));
    } else {
        const char *fmt = sys_fmt(nr);
        const char *eq = fmt ? strchr(fmt, '=') : NULL;
        char rf = eq ? eq[1] : 'd';
        if (rf == 'x')
            snprintf(tail, sizeof tail, " = 0x%x", (uint32_t)ret);
        else if (rf == 'o')
            snprintf(tail, sizeof tail, " = 0%o", (uint32_t)ret);
        else
            snprintf(tail, sizeof tail, " = %d", r);
    }
    if (tpending_noreturn) {
        /* Only a failed execve comes back. */
        tlen = 0;
        out("<... %s resumed>", sys_name(nr));
    }
    flush_line(tail);
}

void sys_trace_signal(int sig, const struct i386_siginfo *info) {
    char name[24];
    if (sig > 0 && sig < (int)(sizeof sig_names / sizeof sig_names[0]))
        snprintf(name, sizeof name, "%s", sig_names[sig]);
    else
        snprintf(name, sizeof name, "SIGRT_%d", sig - 32);
    tlen = 0;
    out("--- %s {si_signo=%s, si_code=%d", name, name, info->si_code);
    if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP) &&
        info->si_code > 0)
        out(", si_addr=0x%x", info->u.addr);
    else
        out(", si_pid=%d, si_uid=%d", info->u.f.pid, info->u.f.uid);
    flush_line("} ---");
}
