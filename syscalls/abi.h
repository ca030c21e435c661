/* Guest (i386 Linux) ABI structures, spelled out.
 *
 * Every structure the i386 kernel exchanges with user space and whose layout
 * differs from (or might differ from) the x86-64 host is defined here with
 * fixed-width fields. 64-bit fields use g_u64/g_s64, which have the i386
 * alignment of 4, so offsets match the i386 layout exactly. Host structures
 * are converted field by field and never copied to the guest.
 * tests/unit/sys_abi_test.c checks these layouts against `gcc -m32`.
 */
#ifndef XRUN_SYSCALLS_ABI_H_
#define XRUN_SYSCALLS_ABI_H_

#include <stddef.h>
#include <stdint.h>

typedef uint64_t g_u64 __attribute__((aligned(4)));
typedef int64_t g_s64 __attribute__((aligned(4)));

#define ABI_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), "size of " #t)
#define ABI_OFF(t, f, n) _Static_assert(offsetof(struct t, f) == (n), "offset of " #t "." #f)

/* ---- time ---------------------------------------------------------------- */

struct i386_timespec32 {
    int32_t tv_sec, tv_nsec;
};
ABI_SIZE(i386_timespec32, 8);

struct i386_timeval32 {
    int32_t tv_sec, tv_usec;
};
ABI_SIZE(i386_timeval32, 8);

/* struct __kernel_timespec (the *_time64 syscalls). */
struct i386_timespec64 {
    g_s64 tv_sec, tv_nsec;
};
ABI_SIZE(i386_timespec64, 16);

struct i386_itimerval32 {
    struct i386_timeval32 it_interval, it_value;
};
ABI_SIZE(i386_itimerval32, 16);

struct i386_itimerspec32 {
    struct i386_timespec32 it_interval, it_value;
};
ABI_SIZE(i386_itimerspec32, 16);

struct i386_itimerspec64 {
    struct i386_timespec64 it_interval, it_value;
};
ABI_SIZE(i386_itimerspec64, 32);

struct i386_tms {
    int32_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
ABI_SIZE(i386_tms, 16);

struct i386_utimbuf {
    int32_t actime, modtime;
};
ABI_SIZE(i386_utimbuf, 8);

/* ---- files --------------------------------------------------------------- */

/* struct stat64 of arch/x86/include/uapi/asm/stat.h (i386). */
struct i386_stat64 {
    g_u64 st_dev;
    uint8_t pad0[4];
    uint32_t st_ino32;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    g_u64 st_rdev;
    uint8_t pad3[4];
    g_s64 st_size;
    uint32_t st_blksize;
    g_u64 st_blocks;
    uint32_t st_atime_, st_atime_nsec;
    uint32_t st_mtime_, st_mtime_nsec;
    uint32_t st_ctime_, st_ctime_nsec;
    g_u64 st_ino;
};
ABI_SIZE(i386_stat64, 96);
ABI_OFF(i386_stat64, st_ino32, 12);
ABI_OFF(i386_stat64, st_rdev, 32);
ABI_OFF(i386_stat64, st_size, 44);
ABI_OFF(i386_stat64, st_blocks, 56);
ABI_OFF(i386_stat64, st_atime_, 64);
ABI_OFF(i386_stat64, st_ino, 88);

/* struct stat (the "new" stat of stat/lstat/fstat, nr 106-108). */
struct i386_stat {
    uint32_t st_dev;
    uint32_t st_ino;
    uint16_t st_mode;
    uint16_t st_nlink;
    uint16_t st_uid;
    uint16_t st_gid;
    uint32_t st_rdev;
    uint32_t st_size;
    uint32_t st_blksize;
    uint32_t st_blocks;
    uint32_t st_atime_, st_atime_nsec;
    uint32_t st_mtime_, st_mtime_nsec;
    uint32_t st_ctime_, st_ctime_nsec;
    uint32_t unused4, unused5;
};
ABI_SIZE(i386_stat, 64);
ABI_OFF(i386_stat, st_rdev, 16);
ABI_OFF(i386_stat, st_atime_, 32);

struct i386_statfs {
    uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
ABI_SIZE(i386_statfs, 64);

/* struct statfs64 (packed to 4 on i386). */
struct i386_statfs64 {
    uint32_t f_type, f_bsize;
    g_u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
ABI_SIZE(i386_statfs64, 84);
ABI_OFF(i386_statfs64, f_blocks, 8);
ABI_OFF(i386_statfs64, f_fsid, 48);
ABI_OFF(i386_statfs64, f_namelen, 56);

/* struct linux_dirent (getdents): d_type is the last byte of the record. */
struct i386_dirent {
    uint32_t d_ino, d_off;
    uint16_t d_reclen;
    char d_name[];
};
_Static_assert(offsetof(struct i386_dirent, d_name) == 10, "i386_dirent.d_name");

struct i386_flock {
    int16_t l_type, l_whence;
    int32_t l_start, l_len, l_pid;
};
ABI_SIZE(i386_flock, 16);

struct i386_flock64 {
    int16_t l_type, l_whence;
    g_s64 l_start, l_len;
    int32_t l_pid;
};
ABI_SIZE(i386_flock64, 24);
ABI_OFF(i386_flock64, l_start, 4);
ABI_OFF(i386_flock64, l_len, 12);
ABI_OFF(i386_flock64, l_pid, 20);

struct i386_iovec {
    uint32_t iov_base, iov_len;
};
ABI_SIZE(i386_iovec, 8);

/* ---- processes ----------------------------------------------------------- */

struct i386_rusage {
    struct i386_timeval32 ru_utime, ru_stime;
    int32_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
    int32_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
ABI_SIZE(i386_rusage, 72);
ABI_OFF(i386_rusage, ru_maxrss, 16);

struct i386_rlimit {
    uint32_t rlim_cur, rlim_max;
};
ABI_SIZE(i386_rlimit, 8);

struct i386_sysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t totalhigh, freehigh, mem_unit;
    char f[8];
};
ABI_SIZE(i386_sysinfo, 64);
ABI_OFF(i386_sysinfo, procs, 40);
ABI_OFF(i386_sysinfo, totalhigh, 44);
ABI_OFF(i386_sysinfo, mem_unit, 52);

struct i386_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
ABI_SIZE(i386_utsname, 390);

/* struct user_desc (set_thread_area); `flags` packs the bit fields
 * seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1
 * useable:1 (lm:1). */
struct i386_user_desc {
    uint32_t entry_number, base_addr, limit, flags;
};
ABI_SIZE(i386_user_desc, 16);
#define UD_SEG_32BIT 0x01u
#define UD_CONTENTS 0x06u
#define UD_READ_EXEC_ONLY 0x08u
#define UD_LIMIT_IN_PAGES 0x10u
#define UD_SEG_NOT_PRESENT 0x20u
#define UD_USEABLE 0x40u

/* ---- signals ------------------------------------------------------------- */

/* struct sigaction of rt_sigaction: the 64-bit mask sits at offset 12. */
struct i386_sigaction {
    uint32_t handler, flags, restorer;
    g_u64 mask;
};
ABI_SIZE(i386_sigaction, 20);
ABI_OFF(i386_sigaction, mask, 12);

/* struct old_sigaction of sigaction (nr 67). */
struct i386_old_sigaction {
    uint32_t handler, mask, flags, restorer;
};
ABI_SIZE(i386_old_sigaction, 16);

struct i386_stack {
    uint32_t ss_sp;
    int32_t ss_flags;
    uint32_t ss_size;
};
ABI_SIZE(i386_stack, 12);

/* siginfo_t: 128 bytes, the union starts at offset 12 (16 on x86-64). */
struct i386_siginfo {
    int32_t si_signo, si_errno, si_code;
    union {
        int32_t pad[29];
        struct {
            int32_t pid, uid, a, b, c; /* kill/rt: a = sigval; chld: a b c */
        } f;
        uint32_t addr; /* SIGSEGV/SIGBUS/SIGILL/SIGFPE */
    } u;
};
ABI_SIZE(i386_siginfo, 128);
ABI_OFF(i386_siginfo, u, 12);

/* struct sigcontext of the i386 kernel (sigcontext_32): segment selectors
 * are 16 bits with a 16-bit pad each. */
struct i386_sigcontext {
    uint16_t gs, gsh, fs, fsh, es, esh, ds, dsh;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t trapno, err, eip;
    uint16_t cs, csh;
    uint32_t eflags, esp_at_signal;
    uint16_t ss, ssh;
    uint32_t fpstate, oldmask, cr2;
};
ABI_SIZE(i386_sigcontext, 88);
ABI_OFF(i386_sigcontext, edi, 16);
ABI_OFF(i386_sigcontext, eip, 56);
ABI_OFF(i386_sigcontext, eflags, 64);
ABI_OFF(i386_sigcontext, fpstate, 76);

/* The FPU part of struct _fpstate_32 a CPU without FXSR gets: the fnsave
 * image, then status (a copy of the status word) and magic 0xffff
 * ("regular FPU data only"). */
struct i386_fpstate {
    uint8_t fsave[108];
    uint16_t status, magic;
};
ABI_SIZE(i386_fpstate, 112);
#define I386_FP_MAGIC_FSAVE 0xffffu
/* sizeof(struct _fpstate_32) with the FXSR/SSE tail (unused space in the
 * plain sigframe, kept for the offset of extramask). */
#define I386_FPSTATE_FULL_SIZE 624u

struct i386_ucontext {
    uint32_t uc_flags, uc_link;
    struct i386_stack uc_stack;
    struct i386_sigcontext uc_mcontext;
    g_u64 uc_sigmask;
};
ABI_SIZE(i386_ucontext, 116);
ABI_OFF(i386_ucontext, uc_mcontext, 20);
ABI_OFF(i386_ucontext, uc_sigmask, 108);

/* The frames of arch/x86/kernel/signal_32.c (sigframe_ia32, rt_sigframe_ia32);
 * the FPU state is placed below the frame, 64-byte aligned. */
struct i386_sigframe {
    uint32_t pretcode;
    int32_t sig;
    struct i386_sigcontext sc;
    uint8_t fpstate_unused[I386_FPSTATE_FULL_SIZE];
    uint32_t extramask;
    uint8_t retcode[8];
};
ABI_SIZE(i386_sigframe, 732);
ABI_OFF(i386_sigframe, extramask, 720);

struct i386_rt_sigframe {
    uint32_t pretcode;
    int32_t sig;
    uint32_t pinfo, puc;
    struct i386_siginfo info;
    struct i386_ucontext uc;
    uint8_t retcode[8];
};
ABI_SIZE(i386_rt_sigframe, 268);
ABI_OFF(i386_rt_sigframe, uc, 144);

/* ---- memory, select, sockets --------------------------------------------- */

/* Argument block of the old mmap (nr 90). */
struct i386_mmap_arg {
    uint32_t addr, len, prot, flags, fd, offset;
};
ABI_SIZE(i386_mmap_arg, 24);

/* Argument block of the old select (nr 82). */
struct i386_sel_arg {
    uint32_t n, inp, outp, exp, tvp;
};
ABI_SIZE(i386_sel_arg, 20);

/* The 6th argument of pselect6. */
struct i386_sigset_arg {
    uint32_t ss, ss_len;
};
ABI_SIZE(i386_sigset_arg, 8);

struct i386_msghdr {
    uint32_t msg_name, msg_namelen, msg_iov, msg_iovlen, msg_control, msg_controllen;
    int32_t msg_flags;
};
ABI_SIZE(i386_msghdr, 28);

struct i386_cmsghdr {
    uint32_t cmsg_len;
    int32_t cmsg_level, cmsg_type;
};
ABI_SIZE(i386_cmsghdr, 12);

struct i386_mmsghdr {
    struct i386_msghdr msg_hdr;
    uint32_t msg_len;
};
ABI_SIZE(i386_mmsghdr, 32);

#endif
