/* The file system: open, stat, directories, links, permissions, times,
 * truncation, statfs, xattrs. Paths go through sys_path (checked, -L
 * mapped); host struct stat/statfs are converted to the i386 layouts. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "runtime/loader.h"
#include "syscalls/handlers.h"

/* Declare a host path variable from a guest argument, or return its error. */
#define PATH_ARG(var, ga)                                                                          \
    char var##_buf[PATH_MAX];                                                                      \
    long var##_err;                                                                                \
    const char *var = sys_path((ga), var##_buf, &var##_err);                                       \
    if (!var) return var##_err
#define RAW_PATH_ARG(var, ga)                                                                      \
    long var##_err;                                                                                \
    const char *var = sys_path_raw((ga), &var##_err);                                              \
    if (!var) return var##_err

/* 16-bit uid/gid argument: 0xffff means "unchanged" (-1). */
static inline int id16(uint32_t v) {
    return (uint16_t)v == 0xffff ? -1 : (int)(uint16_t)v;
}

/* ---- open ---------------------------------------------------------------- */

SYS_FN(sys_openat) {
    (void)env;
    long r;
    const char *raw = sys_path_raw(a[1], &r);
    if (raw && sys_procfs_open(raw, (int)a[2], &r)) return r;
    PATH_ARG(p, a[1]);
    return sys_ret(openat(sys_dirfd(a[0]), p, (int)a[2], (mode_t)a[3]));
}

SYS_FN(sys_open) {
    uint32_t b[4] = {(uint32_t)G_AT_FDCWD, a[0], a[1], a[2]};
    return sys_openat(env, b);
}

SYS_FN(sys_creat) {
    uint32_t b[4] = {(uint32_t)G_AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]};
    return sys_openat(env, b);
}

/* ---- stat ---------------------------------------------------------------- */

/* fstatat on the host; the path may be NULL/empty with AT_EMPTY_PATH. */
static long host_fstatat(uint32_t dirfd, uint32_t gpath, uint32_t flags, struct stat *st) {
    char buf[PATH_MAX];
    long err;
    const char *p = "";
    if (gpath || !(flags & AT_EMPTY_PATH)) {
        p = sys_path(gpath, buf, &err);
        if (!p) return err;
    }
    return sys_ret(fstatat(sys_dirfd(dirfd), p, st, (int)flags));
}

SYS_FN(sys_fstatat64) {
    (void)env;
    struct stat st;
    long r = host_fstatat(a[0], a[1], a[3], &st);
    return r < 0 ? r : sys_put_stat64(a[2], &st);
}

SYS_FN(sys_stat64) {
    (void)env;
    struct stat st;
    long r = host_fstatat((uint32_t)G_AT_FDCWD, a[0], 0, &st);
    return r < 0 ? r : sys_put_stat64(a[1], &st);
}

SYS_FN(sys_lstat64) {
    (void)env;
    struct stat st;
    long r = host_fstatat((uint32_t)G_AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &st);
    return r < 0 ? r : sys_put_stat64(a[1], &st);
}

SYS_FN(sys_fstat64) {
    (void)env;
    struct stat st;
    if (fstat((int)a[0], &st)) return -errno;
    return sys_put_stat64(a[1], &st);
}

/* The old 32-bit struct stat: -EOVERFLOW when a value does not fit. */
static long put_stat32(uint32_t ga, const struct stat *st) {
    if (st->st_ino > UINT32_MAX || st->st_size > INT32_MAX || st->st_nlink > 0xffff)
        return -EOVERFLOW;
    struct i386_stat g;
    memset(&g, 0, sizeof g);
    g.st_dev = (uint32_t)st->st_dev;
    g.st_ino = (uint32_t)st->st_ino;
    g.st_mode = (uint16_t)st->st_mode;
    g.st_nlink = (uint16_t)st->st_nlink;
    g.st_uid = st->st_uid > 0xffff ? 65534 : (uint16_t)st->st_uid;
    g.st_gid = st->st_gid > 0xffff ? 65534 : (uint16_t)st->st_gid;
    g.st_rdev = (uint32_t)st->st_rdev;
    g.st_size = (uint32_t)st->st_size;
    g.st_blksize = (uint32_t)st->st_blksize;
    g.st_blocks = (uint32_t)st->st_blocks;
    g.st_atime_ = (uint32_t)st->st_atim.tv_sec;
    g.st_atime_nsec = (uint32_t)st->st_atim.tv_nsec;
    g.st_mtime_ = (uint32_t)st->st_mtim.tv_sec;
    g.st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
    g.st_ctime_ = (uint32_t)st->st_ctim.tv_sec;
    g.st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
    return sys_put(ga, &g, sizeof g);
}

SYS_FN(sys_stat) {
    (void)env;
    struct stat st;
    long r = host_fstatat((uint32_t)G_AT_FDCWD, a[0], 0, &st);
    return r < 0 ? r : put_stat32(a[1], &st);
}

SYS_FN(sys_lstat) {
    (void)env;
    struct stat st;
    long r = host_fstatat((uint32_t)G_AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW, &st);
    return r < 0 ? r : put_stat32(a[1], &st);
}

SYS_FN(sys_fstat) {
    (void)env;
    struct stat st;
    if (fstat((int)a[0], &st)) return -errno;
    return put_stat32(a[1], &st);
}

/* statx: struct statx has fixed-width fields, identical on both sides. */
SYS_FN(sys_statx) {
    (void)env;
    void *out = GOUT(a[4], 256);
    if (!out) return -EFAULT;
    char buf[PATH_MAX];
    long err;
    const char *p = NULL;
    if (a[1]) {
        p = sys_path(a[1], buf, &err);
        if (!p) return err;
    }
    return sys_ret(syscall(SYS_statx, sys_dirfd(a[0]), p, a[2], a[3], out));
}

/* ---- statfs -------------------------------------------------------------- */

static long put_statfs(uint32_t ga, const struct statfs *s, int is64) {
    if (is64) {
        struct i386_statfs64 g = {
            .f_type = (uint32_t)s->f_type,
            .f_bsize = (uint32_t)s->f_bsize,
            .f_blocks = s->f_blocks,
            .f_bfree = s->f_bfree,
            .f_bavail = s->f_bavail,
            .f_files = s->f_files,
            .f_ffree = s->f_ffree,
            .f_namelen = (uint32_t)s->f_namelen,
            .f_frsize = (uint32_t)s->f_frsize,
            .f_flags = (uint32_t)s->f_flags,
        };
        memcpy(g.f_fsid, &s->f_fsid, 8);
        return sys_put(ga, &g, sizeof g);
    }
    /* Like the kernel: counts that do not fit are an overflow; "unknown"
     * file counts (-1) become 32-bit -1. */
    if ((s->f_blocks | s->f_bfree | s->f_bavail) > UINT32_MAX) return -EOVERFLOW;
    if ((s->f_files != (fsfilcnt_t)-1 && s->f_files > UINT32_MAX) ||
        (s->f_ffree != (fsfilcnt_t)-1 && s->f_ffree > UINT32_MAX))
        return -EOVERFLOW;
    struct i386_statfs g = {
        .f_type = (uint32_t)s->f_type,
        .f_bsize = (uint32_t)s->f_bsize,
        .f_blocks = (uint32_t)s->f_blocks,
        .f_bfree = (uint32_t)s->f_bfree,
        .f_bavail = (uint32_t)s->f_bavail,
        .f_files = (uint32_t)s->f_files,
        .f_ffree = (uint32_t)s->f_ffree,
        .f_namelen = (uint32_t)s->f_namelen,
        .f_frsize = (uint32_t)s->f_frsize,
        .f_flags = (uint32_t)s->f_flags,
    };
    memcpy(g.f_fsid, &s->f_fsid, 8);
    return sys_put(ga, &g, sizeof g);
}

SYS_FN(sys_statfs) {
    (void)env;
    PATH_ARG(p, a[0]);
    struct statfs s;
    if (statfs(p, &s)) return -errno;
    return put_statfs(a[1], &s, 0);
}

SYS_FN(sys_fstatfs) {
    (void)env;
    struct statfs s;
    if (fstatfs((int)a[0], &s)) return -errno;
    return put_statfs(a[1], &s, 0);
}

SYS_FN(sys_statfs64) {
    (void)env;
    if (a[1] != sizeof(struct i386_statfs64)) return -EINVAL;
    PATH_ARG(p, a[0]);
    struct statfs s;
    if (statfs(p, &s)) return -errno;
    return put_statfs(a[2], &s, 1);
}

SYS_FN(sys_fstatfs64) {
    (void)env;
    if (a[1] != sizeof(struct i386_statfs64)) return -EINVAL;
    struct statfs s;
    if (fstatfs((int)a[0], &s)) return -errno;
    return put_statfs(a[2], &s, 1);
}

/* ---- directories --------------------------------------------------------- */

/* getdents and getdents64 are in syscalls/dirent.c (directory offsets). */

SYS_FN(sys_getcwd) {
    (void)env;
    void *p = GOUT(a[0], a[1]);
    if (!p) return -EFAULT;
    return sys_ret(syscall(SYS_getcwd, p, (size_t)a[1]));
}

SYS_FN(sys_chdir) {
    (void)env;
    PATH_ARG(p, a[0]);
    return sys_ret(chdir(p));
}
SYS_FN(sys_fchdir) {
    (void)env;
    return sys_ret(fchdir((int)a[0]));
}
SYS_FN(sys_chroot) {
    (void)env;
    PATH_ARG(p, a[0]);
    return sys_ret(chroot(p));
}

SYS_FN(sys_mkdirat) {
    (void)env;
    RAW_PATH_ARG(p, a[1]);
    return sys_ret(mkdirat(sys_dirfd(a[0]), p, (mode_t)a[2]));
}
SYS_FN(sys_mkdir) {
    (void)env;
    RAW_PATH_ARG(p, a[0]);
    return sys_ret(mkdir(p, (mode_t)a[1]));
}
SYS_FN(sys_rmdir) {
    (void)env;
    RAW_PATH_ARG(p, a[0]);
    return sys_ret(rmdir(p));
}

SYS_FN(sys_mknodat) {
    (void)env;
    RAW_PATH_ARG(p, a[1]);
    /* dev uses the kernel's 32-bit encoding on both sides: raw syscall. */
    return sys_ret(syscall(SYS_mknodat, sys_dirfd(a[0]), p, a[2], a[3]));
}

SYS_FN(sys_mknod) {
    uint32_t b[4] = {(uint32_t)G_AT_FDCWD, a[0], a[1], a[2]};
    return sys_mknodat(env, b);
}

/* ---- names and links ----------------------------------------------------- */

SYS_FN(sys_unlinkat) {
    (void)env;
    RAW_PATH_ARG(p, a[1]);
    return sys_ret(unlinkat(sys_dirfd(a[0]), p, (int)a[2]));
}
SYS_FN(sys_unlink) {
    (void)env;
    RAW_PATH_ARG(p, a[0]);
    return sys_ret(unlink(p));
}

SYS_FN(sys_renameat2) {
    (void)env;
    RAW_PATH_ARG(from, a[1]);
    RAW_PATH_ARG(to, a[3]);
    return sys_ret(syscall(SYS_renameat2, sys_dirfd(a[0]), from, sys_dirfd(a[2]), to, a[4]));
}

SYS_FN(sys_renameat) {
    uint32_t b[5] = {a[0], a[1], a[2], a[3], 0};
    return sys_renameat2(env, b);
}

SYS_FN(sys_rename) {
    uint32_t b[5] = {(uint32_t)G_AT_FDCWD, a[0], (uint32_t)G_AT_FDCWD, a[1], 0};
    return sys_renameat2(env, b);
}

SYS_FN(sys_linkat) {
    (void)env;
    RAW_PATH_ARG(from, a[1]);
    RAW_PATH_ARG(to, a[3]);
    return sys_ret(linkat(sys_dirfd(a[0]), from, sys_dirfd(a[2]), to, (int)a[4]));
}

SYS_FN(sys_link) {
    uint32_t b[5] = {(uint32_t)G_AT_FDCWD, a[0], (uint32_t)G_AT_FDCWD, a[1], 0};
    return sys_linkat(env, b);
}

SYS_FN(sys_symlinkat) {
    (void)env;
    RAW_PATH_ARG(target, a[0]);
    RAW_PATH_ARG(p, a[2]);
    return sys_ret(symlinkat(target, sys_dirfd(a[1]), p));
}

SYS_FN(sys_symlink) {
    uint32_t b[3] = {a[0], (uint32_t)G_AT_FDCWD, a[1]};
    return sys_symlinkat(env, b);
}

/* readlinkat; /proc/self/exe names the guest program, not xrun. */
SYS_FN(sys_readlinkat) {
    (void)env;
    if ((int32_t)a[3] <= 0) return -EINVAL;
    char *out = GOUT(a[2], a[3]);
    if (!out) return -EFAULT;
    char buf[PATH_MAX];
    long err;
    const char *p = sys_path(a[1], buf, &err);
    if (!p) return err;
    if (p == rt_exe_path) {
        size_t n = strlen(rt_exe_path);
        if (n > a[3]) n = a[3];
        memcpy(out, rt_exe_path, n);
        return (long)n;
    }
    return sys_ret(readlinkat(sys_dirfd(a[0]), p, out, a[3]));
}

SYS_FN(sys_readlink) {
    uint32_t b[4] = {(uint32_t)G_AT_FDCWD, a[0], a[1], a[2]};
    return sys_readlinkat(env, b);
}

/* ---- permissions and ownership ------------------------------------------- */

SYS_FN(sys_faccessat2) {
    (void)env;
    PATH_ARG(p, a[1]);
    return sys_ret(syscall(SYS_faccessat2, sys_dirfd(a[0]), p, a[2], a[3]));
}

SYS_FN(sys_faccessat) {
    (void)env;
    PATH_ARG(p, a[1]);
    return sys_ret(syscall(SYS_faccessat, sys_dirfd(a[0]), p, a[2]));
}

SYS_FN(sys_access) {
    uint32_t b[3] = {(uint32_t)G_AT_FDCWD, a[0], a[1]};
    return sys_faccessat(env, b);
}

SYS_FN(sys_fchmodat2) {
    (void)env;
    RAW_PATH_ARG(p, a[1]);
    return sys_ret(syscall(452 /* fchmodat2 */, sys_dirfd(a[0]), p, a[2], a[3]));
}

SYS_FN(sys_fchmodat) {
    (void)env;
    RAW_PATH_ARG(p, a[1]);
    return sys_ret(syscall(SYS_fchmodat, sys_dirfd(a[0]), p, a[2]));
}

SYS_FN(sys_chmod) {
    (void)env;
    RAW_PATH_ARG(p, a[0]);
    return sys_ret(chmod(p, (mode_t)a[1]));
}
SYS_FN(sys_fchmod) {
    (void)env;
    return sys_ret(fchmod((int)a[0], (mode_t)a[1]));
}
SYS_FN(sys_umask) {
    (void)env;
    return umask((mode_t)(a[0] & 0777));
}

SYS_FN(sys_fchownat) {
    (void)env;
    char buf[PATH_MAX];
    long err;
    const char *p = "";
    if (a[1] || !(a[4] & AT_EMPTY_PATH)) {
        p = sys_path(a[1], buf, &err);
        if (!p) return err;
    }
    return sys_ret(fchownat(sys_dirfd(a[0]), p, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
}

SYS_FN(sys_chown) {
    uint32_t b[5] = {(uint32_t)G_AT_FDCWD, a[0], a[1], a[2], 0};
    return sys_fchownat(env, b);
}

SYS_FN(sys_lchown) {
    uint32_t b[5] = {(uint32_t)G_AT_FDCWD, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW};
    return sys_fchownat(env, b);
}

SYS_FN(sys_fchown) {
    (void)env;
    return sys_ret(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
}

SYS_FN(sys_chown16) {
    uint32_t b[5] = {(uint32_t)G_AT_FDCWD, a[0], (uint32_t)id16(a[1]), (uint32_t)id16(a[2]), 0};
    return sys_fchownat(env, b);
}

SYS_FN(sys_lchown16) {
    uint32_t b[5] = {(uint32_t)G_AT_FDCWD, a[0], (uint32_t)id16(a[1]), (uint32_t)id16(a[2]),
                     AT_SYMLINK_NOFOLLOW};
    return sys_fchownat(env, b);
}

SYS_FN(sys_fchown16) {
    (void)env;
    return sys_ret(fchown((int)a[0], (uid_t)id16(a[1]), (gid_t)id16(a[2])));
}

/* ---- times --------------------------------------------------------------- */

static long do_utimensat(const uint32_t *a, int time64) {
    struct timespec ts[2], *tp = NULL;
    if (a[2]) {
        uint32_t step = time64 ? 16 : 8;
        for (int i = 0; i < 2; i++) {
            int e = time64 ? sys_get_ts64(a[2] + i * step, &ts[i])
                           : sys_get_ts32(a[2] + i * step, &ts[i]);
            if (e) return e;
        }
        tp = ts;
    }
    char buf[PATH_MAX];
    long err;
    const char *p = NULL;
    if (a[1]) {
        p = sys_path(a[1], buf, &err);
        if (!p) return err;
    }
    /* A NULL path is futimens on dirfd: only the raw syscall allows it. */
    return sys_ret(syscall(SYS_utimensat, sys_dirfd(a[0]), p, tp, a[3]));
}

SYS_FN(sys_utimensat) {
    (void)env;
    return do_utimensat(a, 0);
}
SYS_FN(sys_utimensat_time64) {
    (void)env;
    return do_utimensat(a, 1);
}

SYS_FN(sys_futimesat) {
    (void)env;
    struct timeval tv[2], *tp = NULL;
    if (a[2]) {
        if (sys_get_tv32(a[2], &tv[0]) || sys_get_tv32(a[2] + 8, &tv[1])) return -EFAULT;
        tp = tv;
    }
    char buf[PATH_MAX];
    long err;
    const char *p = NULL;
    if (a[1]) {
        p = sys_path(a[1], buf, &err);
        if (!p) return err;
    }
    return sys_ret(syscall(SYS_futimesat, sys_dirfd(a[0]), p, tp));
}

SYS_FN(sys_utimes) {
    uint32_t b[3] = {(uint32_t)G_AT_FDCWD, a[0], a[1]};
    return sys_futimesat(env, b);
}

SYS_FN(sys_utime) {
    (void)env;
    PATH_ARG(p, a[0]);
    if (!a[1]) return sys_ret(utime(p, NULL));
    struct i386_utimbuf g;
    if (sys_get(&g, a[1], sizeof g)) return -EFAULT;
    struct utimbuf u = {g.actime, g.modtime};
    return sys_ret(utime(p, &u));
}

/* ---- size and sync ------------------------------------------------------- */

SYS_FN(sys_truncate) {
    (void)env;
    PATH_ARG(p, a[0]);
    return sys_ret(truncate(p, (int32_t)a[1]));
}
SYS_FN(sys_ftruncate) {
    (void)env;
    return sys_ret(ftruncate((int)a[0], (int32_t)a[1]));
}
SYS_FN(sys_truncate64) {
    (void)env;
    PATH_ARG(p, a[0]);
    return sys_ret(truncate(p, ARG64(a[1], a[2])));
}
SYS_FN(sys_ftruncate64) {
    (void)env;
    return sys_ret(ftruncate((int)a[0], ARG64(a[1], a[2])));
}
SYS_FN(sys_fsync) {
    (void)env;
    return sys_ret(fsync((int)a[0]));
}
SYS_FN(sys_fdatasync) {
    (void)env;
    return sys_ret(fdatasync((int)a[0]));
}
SYS_FN(sys_sync) {
    (void)env;
    (void)a;
    sync();
    return 0;
}
SYS_FN(sys_syncfs) {
    (void)env;
    return sys_ret(syncfs((int)a[0]));
}

/* fadvise64(fd, off_lo, off_hi, len32, advice) */
SYS_FN(sys_fadvise64) {
    (void)env;
    return -posix_fadvise((int)a[0], ARG64(a[1], a[2]), a[3], (int)a[4]);
}

/* fadvise64_64(fd, off_lo, off_hi, len_lo, len_hi, advice) */
SYS_FN(sys_fadvise64_64) {
    (void)env;
    return -posix_fadvise((int)a[0], ARG64(a[1], a[2]), ARG64(a[3], a[4]), (int)a[5]);
}

/* fallocate(fd, mode, off_lo, off_hi, len_lo, len_hi) */
SYS_FN(sys_fallocate) {
    (void)env;
    return sys_ret(fallocate((int)a[0], (int)a[1], ARG64(a[2], a[3]), ARG64(a[4], a[5])));
}

/* ---- extended attributes (strings and byte buffers only) ----------------- */

SYS_FN(sys_getxattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    RAW_PATH_ARG(name, a[1]);
    void *v = GOUT(a[2], a[3]);
    if (!v) return -EFAULT;
    return sys_ret(getxattr(p, name, v, a[3]));
}

SYS_FN(sys_lgetxattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    RAW_PATH_ARG(name, a[1]);
    void *v = GOUT(a[2], a[3]);
    if (!v) return -EFAULT;
    return sys_ret(lgetxattr(p, name, v, a[3]));
}

SYS_FN(sys_fgetxattr) {
    (void)env;
    RAW_PATH_ARG(name, a[1]);
    void *v = GOUT(a[2], a[3]);
    if (!v) return -EFAULT;
    return sys_ret(fgetxattr((int)a[0], name, v, a[3]));
}

SYS_FN(sys_setxattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    RAW_PATH_ARG(name, a[1]);
    const void *v = GIN(a[2], a[3]);
    if (!v) return -EFAULT;
    return sys_ret(setxattr(p, name, v, a[3], (int)a[4]));
}

SYS_FN(sys_lsetxattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    RAW_PATH_ARG(name, a[1]);
    const void *v = GIN(a[2], a[3]);
    if (!v) return -EFAULT;
    return sys_ret(lsetxattr(p, name, v, a[3], (int)a[4]));
}

SYS_FN(sys_fsetxattr) {
    (void)env;
    RAW_PATH_ARG(name, a[1]);
    const void *v = GIN(a[2], a[3]);
    if (!v) return -EFAULT;
    return sys_ret(fsetxattr((int)a[0], name, v, a[3], (int)a[4]));
}

SYS_FN(sys_listxattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    char *v = GOUT(a[1], a[2]);
    if (!v) return -EFAULT;
    return sys_ret(listxattr(p, v, a[2]));
}

SYS_FN(sys_llistxattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    char *v = GOUT(a[1], a[2]);
    if (!v) return -EFAULT;
    return sys_ret(llistxattr(p, v, a[2]));
}

SYS_FN(sys_flistxattr) {
    (void)env;
    char *v = GOUT(a[1], a[2]);
    if (!v) return -EFAULT;
    return sys_ret(flistxattr((int)a[0], v, a[2]));
}

SYS_FN(sys_removexattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    RAW_PATH_ARG(name, a[1]);
    return sys_ret(removexattr(p, name));
}

SYS_FN(sys_lremovexattr) {
    (void)env;
    PATH_ARG(p, a[0]);
    RAW_PATH_ARG(name, a[1]);
    return sys_ret(lremovexattr(p, name));
}

SYS_FN(sys_fremovexattr) {
    (void)env;
    RAW_PATH_ARG(name, a[1]);
    return sys_ret(fremovexattr((int)a[0], name));
}
