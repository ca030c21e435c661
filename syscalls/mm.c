/* Memory: brk, mmap, munmap, mprotect, mremap on the guest address space
 * (runtime/mem.h does the placement and bookkeeping), and the advisory
 * calls, which act on the host pages behind the guest range. */
#include <sys/mman.h>

#include "runtime/dispatch.h"
#include "syscalls/handlers.h"

/* A guest address or -errno from the allocator, as a handler result. */
static long mem_result(uint32_t r) {
    return rt_mem_is_err(r) ? (long)(int32_t)r : (long)r;
}

/* The range lies inside the 4 GiB guest space. */
static int range_in_space(uint32_t addr, uint32_t len) {
    return (uint64_t)addr + len <= GUEST_SPACE;
}

SYS_FN(sys_brk) {
    (void)env;
    return (long)rt_mem_brk(a[0]);
}

/* mmap2(addr, len, prot, flags, fd, pgoff): the offset is in 4096-byte units. */
SYS_FN(sys_mmap2) {
    (void)env;
    return mem_result(
        rt_mem_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4], (uint64_t)a[5] * 4096u));
}

/* The old mmap takes a pointer to its six arguments; offset in bytes. */
SYS_FN(sys_old_mmap) {
    (void)env;
    struct i386_mmap_arg m;
    if (sys_get(&m, a[0], sizeof m)) return -EFAULT;
    if (m.offset & ~GUEST_PAGE_MASK) return -EINVAL;
    return mem_result(rt_mem_mmap(m.addr, m.len, (int)m.prot, (int)m.flags, (int)m.fd, m.offset));
}

SYS_FN(sys_munmap) {
    (void)env;
    return rt_mem_munmap(a[0], a[1]);
}
SYS_FN(sys_mprotect) {
    (void)env;
    return rt_mem_mprotect(a[0], a[1], (int)a[2]);
}

SYS_FN(sys_mremap) {
    (void)env;
    return mem_result(rt_mem_mremap(a[0], a[1], a[2], (int)a[3], a[4]));
}

/* ---- advice, sync, locking ----------------------------------------------- */

SYS_FN(sys_madvise) {
    (void)env;
    uint32_t addr = a[0], len = a[1];
    int advice = (int)a[2];
    if (addr & ~GUEST_PAGE_MASK) return -EINVAL;
    if (!range_in_space(addr, len)) return -ENOMEM;
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
    case MADV_COLD:
    case MADV_PAGEOUT:
        break;
    default:
        return -EINVAL;
    }
    if (!len) return 0;
    long r = sys_ret(madvise(g2h(addr), len, advice));
    /* Discarded pages read back as zeros (or the file): code there changed
     * without a write fault. */
    if (r == 0 && (advice == MADV_DONTNEED || advice == MADV_FREE))
        rt_code_invalidate(addr & GUEST_PAGE_MASK, len);
    return r;
}

SYS_FN(sys_msync) {
    (void)env;
    if (a[0] & ~GUEST_PAGE_MASK) return -EINVAL;
    if (!range_in_space(a[0], a[1])) return -ENOMEM;
    return sys_ret(msync(g2h(a[0]), a[1], (int)a[2]));
}

SYS_FN(sys_mincore) {
    (void)env;
    if (a[0] & ~GUEST_PAGE_MASK) return -EINVAL;
    if (!range_in_space(a[0], a[1])) return -ENOMEM;
    if (!rt_mem_range_ok(a[0], a[1], PROT_NONE)) return -ENOMEM;
    uint32_t pages = (uint32_t)(((uint64_t)a[1] + GUEST_PAGE - 1) / GUEST_PAGE);
    unsigned char *vec = GOUT(a[2], pages);
    if (!vec) return -EFAULT;
    return sys_ret(mincore(g2h(a[0]), a[1], vec));
}

/* Locking is accepted and ignored: the host pages are xrun's to manage. */
SYS_FN(sys_mlock) {
    (void)env;
    return range_in_space(a[0], a[1]) ? 0 : -ENOMEM;
}
SYS_FN(sys_munlock) {
    (void)env;
    return range_in_space(a[0], a[1]) ? 0 : -ENOMEM;
}
SYS_FN(sys_mlockall) {
    (void)env;
    (void)a;
    return 0;
}
SYS_FN(sys_munlockall) {
    (void)env;
    (void)a;
    return 0;
}
