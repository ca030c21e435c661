/* Data transfer: read/write and their vector, positioned and sendfile forms.
 * lseek and _llseek are in syscalls/dirent.c (directory offsets). */
#define _FILE_OFFSET_BITS 64
#include <limits.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/safe_syscall.h"
#include "syscalls/handlers.h"

/* ---- read / write -------------------------------------------------------- */

SYS_FN(sys_read) {
    (void)env;
    void *p = GOUT(a[1], a[2]);
    if (!p) return -EFAULT;
    return rt_safe_syscall(SYS_read, (int)a[0], p, a[2]);
}

SYS_FN(sys_write) {
    (void)env;
    const void *p = GIN(a[1], a[2]);
    if (!p) return -EFAULT;
    return rt_safe_syscall(SYS_write, (int)a[0], p, a[2]);
}

SYS_FN(sys_pread64) {
    (void)env;
    void *p = GOUT(a[1], a[2]);
    if (!p) return -EFAULT;
    return sys_ret(pread((int)a[0], p, a[2], ARG64(a[3], a[4])));
}

SYS_FN(sys_pwrite64) {
    (void)env;
    const void *p = GIN(a[1], a[2]);
    if (!p) return -EFAULT;
    return sys_ret(pwrite((int)a[0], p, a[2], ARG64(a[3], a[4])));
}

/* readv/writev/preadv/pwritev share the iovec conversion. */
static long do_vec(const uint32_t *a, int write, int positioned) {
    struct iovec iov[IOV_MAX];
    long n = sys_get_iovec(iov, a[1], a[2], !write);
    if (n < 0) return n;
    int fd = (int)a[0];
    if (!positioned) return rt_safe_syscall(write ? SYS_writev : SYS_readv, fd, iov, (int)n);
    off_t off = ARG64(a[3], a[4]);
    if (off < 0) return -EINVAL;
    return sys_ret(write ? pwritev(fd, iov, (int)n, off) : preadv(fd, iov, (int)n, off));
}

SYS_FN(sys_readv) {
    (void)env;
    return do_vec(a, 0, 0);
}
SYS_FN(sys_writev) {
    (void)env;
    return do_vec(a, 1, 0);
}
SYS_FN(sys_preadv) {
    (void)env;
    return do_vec(a, 0, 1);
}
SYS_FN(sys_pwritev) {
    (void)env;
    return do_vec(a, 1, 1);
}

/* ---- sendfile / copy_file_range ------------------------------------------ */

SYS_FN(sys_sendfile) {
    (void)env;
    if (!a[2]) return sys_ret(sendfile((int)a[0], (int)a[1], NULL, a[3]));
    int32_t off32;
    if (sys_get(&off32, a[2], 4)) return -EFAULT;
    off_t off = off32;
    long r = sys_ret(sendfile((int)a[0], (int)a[1], &off, a[3]));
    if (r >= 0) {
        if (off > INT32_MAX) return -EOVERFLOW;
        off32 = (int32_t)off;
        if (sys_put(a[2], &off32, 4)) return -EFAULT;
    }
    return r;
}

SYS_FN(sys_sendfile64) {
    (void)env;
    off_t *off = NULL;
    if (a[2] && !(off = GOUT(a[2], 8))) return -EFAULT;
    return sys_ret(sendfile((int)a[0], (int)a[1], off, a[3]));
}

SYS_FN(sys_copy_file_range) {
    (void)env;
    void *oi = NULL, *oo = NULL;
    if (a[1] && !(oi = GOUT(a[1], 8))) return -EFAULT;
    if (a[3] && !(oo = GOUT(a[3], 8))) return -EFAULT;
    return sys_ret(syscall(SYS_copy_file_range, (int)a[0], oi, (int)a[2], oo, (size_t)a[4], a[5]));
}
