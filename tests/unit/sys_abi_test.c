/* Guest ABI layouts (syscalls/abi.h) against the real i386 ones.
 *
 * The truth comes from the compiler at test time, without running any i386
 * code (many hosts' kernels cannot): the test writes a small C file whose one
 * array holds offsetof/sizeof of every i386 kernel (and glibc) structure
 * member listed below, compiles it to assembly with `$CC -m32 -S` (default
 * gcc), reads the array's `.long` values back and compares every number with
 * the same member of the abi.h structure. The verdict is therefore the same
 * on hosts that run i386 binaries and on hosts that do not. Exit 77 (skip)
 * only when there is no working -m32 compiler (with i386 headers); a probe
 * that does not compile then is a failure.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscalls/abi.h"

/* F(guest struct, guest member, i386 type, i386 member): offset and size.
 * S(guest struct, i386 type): total size. K = kernel headers, G = glibc. */
#define KERNEL_LIST(F, S)                                                                          \
    S(i386_stat64, struct stat64)                                                                  \
    F(i386_stat64, st_dev, struct stat64, st_dev)                                                  \
    F(i386_stat64, st_ino32, struct stat64, __st_ino)                                              \
    F(i386_stat64, st_mode, struct stat64, st_mode)                                                \
    F(i386_stat64, st_nlink, struct stat64, st_nlink)                                              \
    F(i386_stat64, st_uid, struct stat64, st_uid)                                                  \
    F(i386_stat64, st_gid, struct stat64, st_gid)                                                  \
    F(i386_stat64, st_rdev, struct stat64, st_rdev)                                                \
    F(i386_stat64, st_size, struct stat64, st_size)                                                \
    F(i386_stat64, st_blksize, struct stat64, st_blksize)                                          \
    F(i386_stat64, st_blocks, struct stat64, st_blocks)                                            \
    F(i386_stat64, st_atime_, struct stat64, st_atime)                                             \
    F(i386_stat64, st_atime_nsec, struct stat64, st_atime_nsec)                                    \
    F(i386_stat64, st_mtime_, struct stat64, st_mtime)                                             \
    F(i386_stat64, st_mtime_nsec, struct stat64, st_mtime_nsec)                                    \
    F(i386_stat64, st_ctime_, struct stat64, st_ctime)                                             \
    F(i386_stat64, st_ctime_nsec, struct stat64, st_ctime_nsec)                                    \
    F(i386_stat64, st_ino, struct stat64, st_ino)                                                  \
    S(i386_stat, struct stat)                                                                      \
    F(i386_stat, st_dev, struct stat, st_dev)                                                      \
    F(i386_stat, st_ino, struct stat, st_ino)                                                      \
    F(i386_stat, st_mode, struct stat, st_mode)                                                    \
    F(i386_stat, st_nlink, struct stat, st_nlink)                                                  \
    F(i386_stat, st_uid, struct stat, st_uid)                                                      \
    F(i386_stat, st_gid, struct stat, st_gid)                                                      \
    F(i386_stat, st_rdev, struct stat, st_rdev)                                                    \
    F(i386_stat, st_size, struct stat, st_size)                                                    \
    F(i386_stat, st_blksize, struct stat, st_blksize)                                              \
    F(i386_stat, st_blocks, struct stat, st_blocks)                                                \
    F(i386_stat, st_atime_, struct stat, st_atime)                                                 \
    F(i386_stat, st_mtime_, struct stat, st_mtime)                                                 \
    F(i386_stat, st_ctime_, struct stat, st_ctime)                                                 \
    S(i386_statfs, struct statfs)                                                                  \
    F(i386_statfs, f_blocks, struct statfs, f_blocks)                                              \
    F(i386_statfs, f_ffree, struct statfs, f_ffree)                                                \
    F(i386_statfs, f_fsid, struct statfs, f_fsid)                                                  \
    F(i386_statfs, f_namelen, struct statfs, f_namelen)                                            \
    F(i386_statfs, f_flags, struct statfs, f_flags)                                                \
    F(i386_statfs, f_spare, struct statfs, f_spare)                                                \
    S(i386_statfs64, struct statfs64)                                                              \
    F(i386_statfs64, f_type, struct statfs64, f_type)                                              \
    F(i386_statfs64, f_bsize, struct statfs64, f_bsize)                                            \
    F(i386_statfs64, f_blocks, struct statfs64, f_blocks)                                          \
    F(i386_statfs64, f_bfree, struct statfs64, f_bfree)                                            \
    F(i386_statfs64, f_bavail, struct statfs64, f_bavail)                                          \
    F(i386_statfs64, f_files, struct statfs64, f_files)                                            \
    F(i386_statfs64, f_ffree, struct statfs64, f_ffree)                                            \
    F(i386_statfs64, f_fsid, struct statfs64, f_fsid)                                              \
    F(i386_statfs64, f_namelen, struct statfs64, f_namelen)                                        \
    F(i386_statfs64, f_frsize, struct statfs64, f_frsize)                                          \
    F(i386_statfs64, f_flags, struct statfs64, f_flags)                                            \
    F(i386_statfs64, f_spare, struct statfs64, f_spare)                                            \
    S(i386_flock, struct flock)                                                                    \
    F(i386_flock, l_type, struct flock, l_type)                                                    \
    F(i386_flock, l_whence, struct flock, l_whence)                                                \
    F(i386_flock, l_start, struct flock, l_start)                                                  \
    F(i386_flock, l_len, struct flock, l_len)                                                      \
    F(i386_flock, l_pid, struct flock, l_pid)                                                      \
    S(i386_flock64, struct flock64)                                                                \
    F(i386_flock64, l_type, struct flock64, l_type)                                                \
    F(i386_flock64, l_whence, struct flock64, l_whence)                                            \
    F(i386_flock64, l_start, struct flock64, l_start)                                              \
    F(i386_flock64, l_len, struct flock64, l_len)                                                  \
    F(i386_flock64, l_pid, struct flock64, l_pid)                                                  \
    S(i386_iovec, struct iovec)                                                                    \
    F(i386_iovec, iov_base, struct iovec, iov_base)                                                \
    F(i386_iovec, iov_len, struct iovec, iov_len)                                                  \
    S(i386_rusage, struct rusage)                                                                  \
    F(i386_rusage, ru_utime, struct rusage, ru_utime)                                              \
    F(i386_rusage, ru_stime, struct rusage, ru_stime)                                              \
    F(i386_rusage, ru_maxrss, struct rusage, ru_maxrss)                                            \
    F(i386_rusage, ru_minflt, struct rusage, ru_minflt)                                            \
    F(i386_rusage, ru_nivcsw, struct rusage, ru_nivcsw)                                            \
    S(i386_rlimit, struct rlimit)                                                                  \
    F(i386_rlimit, rlim_max, struct rlimit, rlim_max)                                              \
    S(i386_sysinfo, struct sysinfo)                                                                \
    F(i386_sysinfo, uptime, struct sysinfo, uptime)                                                \
    F(i386_sysinfo, loads, struct sysinfo, loads)                                                  \
    F(i386_sysinfo, totalram, struct sysinfo, totalram)                                            \
    F(i386_sysinfo, freeswap, struct sysinfo, freeswap)                                            \
    F(i386_sysinfo, procs, struct sysinfo, procs)                                                  \
    F(i386_sysinfo, totalhigh, struct sysinfo, totalhigh)                                          \
    F(i386_sysinfo, freehigh, struct sysinfo, freehigh)                                            \
    F(i386_sysinfo, mem_unit, struct sysinfo, mem_unit)                                            \
    S(i386_utsname, struct new_utsname)                                                            \
    F(i386_utsname, machine, struct new_utsname, machine)                                          \
    F(i386_utsname, domainname, struct new_utsname, domainname)                                    \
    S(i386_user_desc, struct user_desc)                                                            \
    F(i386_user_desc, entry_number, struct user_desc, entry_number)                                \
    F(i386_user_desc, base_addr, struct user_desc, base_addr)                                      \
    F(i386_user_desc, limit, struct user_desc, limit)                                              \
    S(i386_tms, struct tms)                                                                        \
    F(i386_tms, tms_cstime, struct tms, tms_cstime)                                                \
    S(i386_timespec32, struct __kernel_old_timespec)                                               \
    F(i386_timespec32, tv_nsec, struct __kernel_old_timespec, tv_nsec)                             \
    S(i386_timeval32, struct __kernel_old_timeval)                                                 \
    F(i386_timeval32, tv_usec, struct __kernel_old_timeval, tv_usec)                               \
    S(i386_timespec64, struct __kernel_timespec)                                                   \
    F(i386_timespec64, tv_sec, struct __kernel_timespec, tv_sec)                                   \
    F(i386_timespec64, tv_nsec, struct __kernel_timespec, tv_nsec)                                 \
    S(i386_itimerval32, struct __kernel_old_itimerval)                                             \
    F(i386_itimerval32, it_value, struct __kernel_old_itimerval, it_value)                         \
    S(i386_itimerspec64, struct __kernel_itimerspec)                                               \
    F(i386_itimerspec64, it_value, struct __kernel_itimerspec, it_value)                           \
    S(i386_old_sigaction, struct sigaction)                                                        \
    F(i386_old_sigaction, handler, struct sigaction, sa_handler)                                   \
    F(i386_old_sigaction, mask, struct sigaction, sa_mask)                                         \
    F(i386_old_sigaction, flags, struct sigaction, sa_flags)                                       \
    F(i386_old_sigaction, restorer, struct sigaction, sa_restorer)                                 \
    S(i386_stack, struct sigaltstack)                                                              \
    F(i386_stack, ss_sp, struct sigaltstack, ss_sp)                                                \
    F(i386_stack, ss_flags, struct sigaltstack, ss_flags)                                          \
    F(i386_stack, ss_size, struct sigaltstack, ss_size)                                            \
    S(i386_siginfo, struct siginfo)                                                                \
    F(i386_siginfo, si_signo, struct siginfo, si_signo)                                            \
    F(i386_siginfo, si_errno, struct siginfo, si_errno)                                            \
    F(i386_siginfo, si_code, struct siginfo, si_code)                                              \
    F(i386_siginfo, u.f.pid, struct siginfo, si_pid)                                               \
    F(i386_siginfo, u.f.uid, struct siginfo, si_uid)                                               \
    F(i386_siginfo, u.f.a, struct siginfo, si_status)                                              \
    F(i386_siginfo, u.f.b, struct siginfo, si_utime)                                               \
    F(i386_siginfo, u.f.c, struct siginfo, si_stime)                                               \
    F(i386_siginfo, u.f.a, struct siginfo, si_int)                                                 \
    F(i386_siginfo, u.addr, struct siginfo, si_addr)

#define GLIBC_LIST(F, S)                                                                           \
    S(i386_msghdr, struct msghdr)                                                                  \
    F(i386_msghdr, msg_name, struct msghdr, msg_name)                                              \
    F(i386_msghdr, msg_namelen, struct msghdr, msg_namelen)                                        \
    F(i386_msghdr, msg_iov, struct msghdr, msg_iov)                                                \
    F(i386_msghdr, msg_iovlen, struct msghdr, msg_iovlen)                                          \
    F(i386_msghdr, msg_control, struct msghdr, msg_control)                                        \
    F(i386_msghdr, msg_controllen, struct msghdr, msg_controllen)                                  \
    F(i386_msghdr, msg_flags, struct msghdr, msg_flags)                                            \
    S(i386_cmsghdr, struct cmsghdr)                                                                \
    F(i386_cmsghdr, cmsg_level, struct cmsghdr, cmsg_level)                                        \
    F(i386_cmsghdr, cmsg_type, struct cmsghdr, cmsg_type)                                          \
    S(i386_mmsghdr, struct mmsghdr)                                                                \
    F(i386_mmsghdr, msg_len, struct mmsghdr, msg_len)                                              \
    S(i386_itimerspec32, struct itimerspec)                                                        \
    F(i386_itimerspec32, it_value, struct itimerspec, it_value)                                    \
    S(i386_utimbuf, struct utimbuf)                                                                \
    F(i386_utimbuf, modtime, struct utimbuf, modtime)

static const char kernel_prologue[] =
    "#include <stddef.h>\n#include <asm/stat.h>\n#include <asm/statfs.h>\n"
    "#include <linux/fcntl.h>\n#include <linux/resource.h>\n#include <linux/sysinfo.h>\n"
    "#include <linux/utsname.h>\n#include <asm/ldt.h>\n#include <linux/times.h>\n"
    "#include <linux/time_types.h>\n#include <linux/uio.h>\n#include <asm/signal.h>\n"
    "#include <asm/siginfo.h>\n";
static const char glibc_prologue[] =
    "#define _GNU_SOURCE\n#include <stddef.h>\n#include <sys/socket.h>\n"
    "#include <time.h>\n#include <utime.h>\n";
/* What "a -m32 compiler exists" means: the i386 glibc and kernel headers too. */
static const char sanity_src[] =
    "#include <stddef.h>\n#include <sys/types.h>\n#include <asm/types.h>\n"
    "const unsigned xrun_abi_probe[] = {sizeof(void *), sizeof(long)};\n";

typedef struct Row {
    const char *what;
    size_t off, size; /* abi.h; off = -1 for a whole-struct size row */
    const char *type, *member;
} Row;

#define MEMBER_SIZE(t, m) sizeof(((struct t *)0)->m)
#define ROW_F(gs, gm, kt, km) {#gs "." #gm, offsetof(struct gs, gm), MEMBER_SIZE(gs, gm), #kt, #km},
#define ROW_S(gs, kt) {#gs, (size_t)-1, sizeof(struct gs), #kt, NULL},

static const Row kernel_rows[] = {KERNEL_LIST(ROW_F, ROW_S)};
static const Row glibc_rows[] = {GLIBC_LIST(ROW_F, ROW_S)};

/* The probe array: PROBE_HEAD, n, then (offset, size) per row, PROBE_TAIL.
 * The markers keep the reader honest about where the array starts and ends. */
#define PROBE_SYM "xrun_abi_probe"
#define PROBE_HEAD 0x58525531u /* "XRU1" */
#define PROBE_TAIL 0x58525532u
#define NONE32 0xffffffffu /* offset of a size row */

static const char *compiler(void) {
    const char *cc = getenv("CC");
    return cc && *cc ? cc : "gcc";
}

/* Compile src (C text) with $CC -m32 -S in dir; the assembly goes to asm_path
 * and the compiler's messages to dir/NAME.log. Returns 0 on success. */
static int compile32(const char *dir, const char *name, const char *src, char *asm_path,
                     size_t asm_size) {
    char c_path[160], log_path[160], cmd[768];
    snprintf(c_path, sizeof c_path, "%s/%s.c", dir, name);
    snprintf(asm_path, asm_size, "%s/%s.s", dir, name);
    snprintf(log_path, sizeof log_path, "%s/%s.log", dir, name);
    FILE *f = fopen(c_path, "w");
    if (!f) return -1;
    fputs(src, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s -m32 -S -O0 -w -o %s %s >%s 2>&1", compiler(), asm_path, c_path,
             log_path);
    return system(cmd) == 0 ? 0 : -1;
}

/* Print dir/NAME.log (the compiler's complaint) indented. */
static void show_log(const char *dir, const char *name) {
    char path[160], line[512];
    snprintf(path, sizeof path, "%s/%s.log", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) return;
    for (int i = 0; i < 40 && fgets(line, sizeof line, f); i++)
        printf("  | %s", line);
    fclose(f);
}

/* Read the 32-bit values of PROBE_SYM from assembly (gcc and clang spell
 * them `.long N`, signed or not, maybe `.zero N` for a run of zeros). Returns
 * how many were read into v (at most max), or -1 when the symbol is absent. */
static long read_probe(const char *asm_path, uint32_t *v, size_t max) {
    FILE *f = fopen(asm_path, "r");
    if (!f) return -1;
    char line[512];
    int in = 0;
    long n = -1;
    while (fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        if (!in) {
            if (!strncmp(s, PROBE_SYM ":", strlen(PROBE_SYM) + 1)) {
                in = 1;
                n = 0;
            }
            continue;
        }
        int zero;
        if (!strncmp(s, ".long", 5) || !strncmp(s, ".4byte", 6) || !strncmp(s, ".int", 4))
            zero = 0;
        else if (!strncmp(s, ".zero", 5) || !strncmp(s, ".skip", 5))
            zero = 1;
        else
            break; /* .size, a label, a section: the array is over */
        const char *arg = s + strcspn(s, " \t");
        errno = 0;
        long long x = strtoll(arg, NULL, 0);
        if (errno) break;
        if (!zero) {
            if ((size_t)n < max) v[n] = (uint32_t)x;
            n++;
        } else {
            for (long long k = 0; k < x / 4; k++, n++)
                if ((size_t)n < max) v[n] = 0;
        }
    }
    fclose(f);
    return n;
}

/* Compile the -m32 probe for rows and compare. Returns failures, or -1 when
 * the probe could not be compiled or read (a failure too: see main). */
static int check(const char *dir, const char *tag, const char *prologue, const Row *rows,
                 size_t n) {
    size_t cap = strlen(prologue) + 64 + n * 256, len;
    char *src = malloc(cap);
    if (!src) return -1;
    len = (size_t)snprintf(src, cap, "%sconst unsigned " PROBE_SYM "[] = {\n%#xu, %zuu,\n",
                           prologue, PROBE_HEAD, n);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].member)
            len +=
                (size_t)snprintf(src + len, cap - len, "offsetof(%s, %s), sizeof(((%s *)0)->%s),\n",
                                 rows[i].type, rows[i].member, rows[i].type, rows[i].member);
        else
            len +=
                (size_t)snprintf(src + len, cap - len, "%#xu, sizeof(%s),\n", NONE32, rows[i].type);
    }
    snprintf(src + len, cap - len, "%#xu};\n", PROBE_TAIL);

    char asm_path[160];
    int built = compile32(dir, tag, src, asm_path, sizeof asm_path) == 0;
    free(src);
    if (!built) {
        printf("FAIL %s: the -m32 probe does not compile (%s -m32 -S):\n", tag, compiler());
        show_log(dir, tag);
        return -1;
    }
    size_t want = 2 * n + 3;
    uint32_t *v = calloc(want, sizeof *v);
    if (!v) return -1;
    long got = read_probe(asm_path, v, want);
    if (got != (long)want || v[0] != PROBE_HEAD || v[1] != n || v[want - 1] != PROBE_TAIL) {
        printf("FAIL %s: cannot read the probe array from %s (%ld values, want %zu)\n", tag,
               asm_path, got, want);
        free(v);
        return -1;
    }
    int fails = 0;
    for (size_t i = 0; i < n; i++) {
        long off = v[2 + 2 * i] == NONE32 ? -1L : (long)v[2 + 2 * i];
        size_t size = v[3 + 2 * i];
        int is_size = rows[i].off == (size_t)-1;
        if ((!is_size && (size_t)off != rows[i].off) || size != rows[i].size) {
            printf("FAIL %s vs %s%s%s: i386 offset %ld size %zu, abi.h offset %ld size %zu\n",
                   rows[i].what, rows[i].type, rows[i].member ? "." : "",
                   rows[i].member ? rows[i].member : "", off, size,
                   is_size ? -1L : (long)rows[i].off, rows[i].size);
            fails++;
        }
    }
    free(v);
    return fails;
}

/* Remove the probe files (only the names this test makes) and dir. */
static void cleanup(const char *dir) {
    static const char *const names[] = {"sanity", "kernel", "glibc"};
    static const char *const exts[] = {"c", "s", "log"};
    char path[160];
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) {
            snprintf(path, sizeof path, "%s/%s.%s", dir, names[i], exts[j]);
            unlink(path);
        }
    rmdir(dir);
}

int main(void) {
    size_t nk = sizeof kernel_rows / sizeof kernel_rows[0];
    size_t ng = sizeof glibc_rows / sizeof glibc_rows[0];
    char dir[] = "/tmp/xrun_sys_abi_XXXXXX", asm_path[160];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    if (compile32(dir, "sanity", sanity_src, asm_path, sizeof asm_path) != 0) {
        printf("SKIP: no working %s -m32 (install gcc-multilib):\n", compiler());
        show_log(dir, "sanity");
        cleanup(dir);
        return 77;
    }
    uint32_t word[2];
    if (read_probe(asm_path, word, 2) != 2 || word[0] != 4 || word[1] != 4) {
        printf("FAIL: %s -m32 does not target i386 (pointer and long not 4 bytes)\n", compiler());
        cleanup(dir);
        return 1;
    }
    int fk = check(dir, "kernel", kernel_prologue, kernel_rows, nk);
    int fg = check(dir, "glibc", glibc_prologue, glibc_rows, ng);
    cleanup(dir);
    if (fk < 0 || fg < 0) {
        printf("sys_abi: %zu layout checks, the %s probe failed\n", nk + ng,
               fk < 0 && fg < 0 ? "kernel and glibc"
               : fk < 0         ? "kernel"
                                : "glibc");
        return 1;
    }
    printf("sys_abi: %zu layout checks, %d failed\n", nk + ng, fk + fg);
    return fk + fg ? 1 : 0;
}
