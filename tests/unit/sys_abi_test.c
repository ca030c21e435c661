/* Guest ABI layouts (syscalls/abi.h) against the real i386 ones.
 *
 * The truth comes from the compiler at test time: the test writes a small C
 * program that prints offsetof/sizeof of the i386 kernel (and glibc)
 * structures, builds it with `$CC -m32` (default gcc), runs it and compares
 * every number with the same member of the abi.h structure. Exit 77 (skip)
 * when no -m32 compiler is available.
 */
#include <stddef.h>
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
    "#include <stdio.h>\n#include <stddef.h>\n#include <asm/stat.h>\n#include <asm/statfs.h>\n"
    "#include <linux/fcntl.h>\n#include <linux/resource.h>\n#include <linux/sysinfo.h>\n"
    "#include <linux/utsname.h>\n#include <asm/ldt.h>\n#include <linux/times.h>\n"
    "#include <linux/time_types.h>\n#include <linux/uio.h>\n#include <asm/signal.h>\n"
    "#include <asm/siginfo.h>\n";
static const char glibc_prologue[] =
    "#define _GNU_SOURCE\n#include <stdio.h>\n#include <stddef.h>\n#include <sys/socket.h>\n"
    "#include <time.h>\n#include <utime.h>\n";

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

/* Build and run the -m32 program for rows; compare. Returns failures, or
 * -1 when the program could not be built. */
static int check(const char *tag, const char *prologue, const Row *rows, size_t n) {
    char dir[] = "/tmp/xrun_sys_abi_XXXXXX";
    if (!mkdtemp(dir)) return -1;
    char src[128], bin[128], cmd[512];
    snprintf(src, sizeof src, "%s/%s.c", dir, tag);
    snprintf(bin, sizeof bin, "%s/%s", dir, tag);
    FILE *f = fopen(src, "w");
    if (!f) return -1;
    fputs(prologue, f);
    fputs("int main(void) {\n", f);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].member)
            fprintf(f, "printf(\"%%zu %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));\n",
                    rows[i].type, rows[i].member, rows[i].type, rows[i].member);
        else
            fprintf(f, "printf(\"-1 %%zu\\n\", sizeof(%s));\n", rows[i].type);
    }
    fputs("return 0;\n}\n", f);
    fclose(f);
    const char *cc = getenv("CC");
    snprintf(cmd, sizeof cmd, "%s -m32 -w -o %s %s 2>&1", cc && *cc ? cc : "gcc", bin, src);
    int built = system(cmd) == 0;
    int fails = 0;
    FILE *p = built ? popen(bin, "r") : NULL;
    if (!p) {
        fails = -1;
    } else {
        for (size_t i = 0; i < n; i++) {
            long off;
            size_t size;
            if (fscanf(p, "%ld %zu", &off, &size) != 2) {
                printf("FAIL %s: no output from the -m32 program\n", rows[i].what);
                fails++;
                continue;
            }
            int is_size = rows[i].off == (size_t)-1;
            if ((!is_size && (size_t)off != rows[i].off) || size != rows[i].size) {
                printf("FAIL %s vs %s%s%s: i386 offset %ld size %zu, abi.h offset %ld size %zu\n",
                       rows[i].what, rows[i].type, rows[i].member ? "." : "",
                       rows[i].member ? rows[i].member : "", off, size,
                       is_size ? -1L : (long)rows[i].off, rows[i].size);
                fails++;
            }
        }
        pclose(p);
    }
    unlink(src);
    unlink(bin);
    rmdir(dir);
    return fails;
}

int main(void) {
    size_t nk = sizeof kernel_rows / sizeof kernel_rows[0];
    size_t ng = sizeof glibc_rows / sizeof glibc_rows[0];
    int fk = check("kernel", kernel_prologue, kernel_rows, nk);
    int fg = check("glibc", glibc_prologue, glibc_rows, ng);
    if (fk < 0 || fg < 0) {
        printf("SKIP: cannot build -m32 programs (install gcc-multilib)\n");
        return 77;
    }
    printf("sys_abi: %zu layout checks, %d failed\n", nk + ng, fk + fg);
    return fk + fg ? 1 : 0;
}
