/* Guest address space (runtime/mem.h, DESIGN §4).
 *
 * One host reservation of 4 GiB + guard, PROT_NONE and MAP_NORESERVE, holds
 * the whole guest space. Guest mappings are host mappings placed with
 * MAP_FIXED inside it; unmapping puts a PROT_NONE reservation back, so the
 * reservation never has holes a host allocation could fall into (the one
 * exception is the short window inside a host mremap of file or shared
 * mappings, see the mremap section).
 *
 * The page table is one byte per guest page: the guest PROT_ bits (PROT_EXEC
 * included, although host pages never get it), whether the page is mapped,
 * whether it is shared or file backed (mremap needs to know), and whether
 * it is write-protected in the host because it holds translated code
 * (PG_CODE: guest-writable, host read-only). A count of mapped pages per
 * 4 MiB chunk lets the top-down search skip full and empty chunks quickly.
 *
 * Mutations take one mutex (several guest threads may mmap at once); the
 * read side (rt_mem_prot, the checked accessors) reads page bytes without
 * it. No code holding it writes guest memory, so the write-fault handler
 * may take it (rt_mem_unprotect_code). rt_mem_on_code_change is called
 * after the mutex is released, for every range whose mapping went away or
 * changed in a way translated code cares about; the code cache drops what
 * it has there, which is usually nothing.
 */
#include "runtime/mem.h"
#include "runtime/mem_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime/log.h"

/* ---- constants and state ------------------------------------------------ */

#define TASK_TOP 0xffffe000u /* end of the usable guest space (i386 compat TASK_SIZE) */
#define NPAGES (1u << 20)
#define CHUNK_SHIFT 10
#define NCHUNKS (NPAGES >> CHUNK_SHIFT)
#define CHUNK_PAGES (1u << CHUNK_SHIFT)

enum {
    PG_PROT = PROT_READ | PROT_WRITE | PROT_EXEC,
    PG_SHARED = 0x10,
    PG_FILE = 0x20,
    PG_CODE = 0x40,
    PG_MAPPED = 0x80,
};

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif
#define MAP_TYPE_MASK 0x0f
#define MAP_HUGE_BITS (0x3fu << 26)

uint8_t *guest_base;
void (*rt_mem_on_code_change)(uint32_t addr, uint32_t len);
bool (*rt_mem_on_code_write)(uint32_t page_addr);

static uint8_t pt[NPAGES];
static uint16_t chunk_used[NCHUNKS];
static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t brk_base, brk_cur;
static bool read_implies_exec;

/* A range whose translations must be dropped, reported after unlocking. */
typedef struct Change {
    uint32_t addr, len;
    bool any;
} Change;

/* ---- small helpers ------------------------------------------------------ */

static inline uint64_t page_up(uint64_t x) {
    return (x + GUEST_PAGE - 1) & ~(uint64_t)(GUEST_PAGE - 1);
}
static inline uint8_t pte(uint32_t p) {
    return __atomic_load_n(&pt[p], __ATOMIC_RELAXED);
}
static inline uint32_t err(int e) {
    return (uint32_t)-e;
}

/* Host protection for a guest one: never exec; exec and write imply read. */
static int host_prot(int gprot) {
    int hp = gprot & (PROT_READ | PROT_WRITE);
    if (gprot & PROT_EXEC) hp |= PROT_READ;
    return hp;
}

static int guest_prot(int prot) {
    prot &= PG_PROT;
    if (read_implies_exec && (prot & PROT_READ)) prot |= PROT_EXEC;
    return prot;
}

/* Set n page entries from page p to v, keeping the chunk counts. */
static void set_pages(uint32_t p, uint32_t n, uint8_t v) {
    for (uint32_t i = p; i < p + n; i++) {
        bool was = pt[i] & PG_MAPPED, now = v & PG_MAPPED;
        if (was != now) chunk_used[i >> CHUNK_SHIFT] += now ? 1 : (uint16_t)-1;
        __atomic_store_n(&pt[i], v, __ATOMIC_RELAXED);
    }
}

static bool range_free(uint32_t p, uint32_t n) {
    for (uint32_t i = p; i < p + n; i++) {
        if (!(i & (CHUNK_PAGES - 1)) && i + CHUNK_PAGES <= p + n && !chunk_used[i >> CHUNK_SHIFT]) {
            i += CHUNK_PAGES - 1;
            continue;
        }
        if (pt[i] & PG_MAPPED) return false;
    }
    return true;
}

static bool range_mapped(uint32_t p, uint32_t n) {
    for (uint32_t i = p; i < p + n; i++)
        if (!(pt[i] & PG_MAPPED)) return false;
    return true;
}

static void note_change(Change *c, uint32_t addr, uint64_t len) {
    if (!c->any) {
        c->addr = addr;
        c->len = (uint32_t)len;
        c->any = true;
        return;
    }
    uint64_t lo = addr < c->addr ? addr : c->addr;
    uint64_t hi = (uint64_t)addr + len;
    if ((uint64_t)c->addr + c->len > hi) hi = (uint64_t)c->addr + c->len;
    c->addr = (uint32_t)lo;
    c->len = (uint32_t)(hi - lo);
}

void rt_mem_fork_lock(void) {
    pthread_mutex_lock(&mem_lock);
}

void rt_mem_fork_unlock(void) {
    pthread_mutex_unlock(&mem_lock);
}

/* Release the lock, then tell the code cache. */
static void unlock_and_report(const Change *c) {
    pthread_mutex_unlock(&mem_lock);
    if (c->any && rt_mem_on_code_change) rt_mem_on_code_change(c->addr, c->len);
}

/* Put the PROT_NONE reservation back over [a, a+len). */
static int host_reserve(uint32_t a, uint64_t len) {
    void *r = mmap(g2h(a), len, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (r == MAP_FAILED) {
        int e = errno;
        rt_log("guest memory: cannot re-reserve 0x%08x+0x%llx: %s", a, (unsigned long long)len,
               strerror(e));
        return -e;
    }
    return 0;
}

/* Unmap [a, a+len) (page aligned, inside the space); notes exec pages. */
static int unmap_locked(uint32_t a, uint64_t len, Change *c) {
    uint32_t p = a / GUEST_PAGE, n = (uint32_t)(len / GUEST_PAGE);
    if (range_free(p, n)) return 0;
    int r = host_reserve(a, len);
    if (r < 0) return r;
    set_pages(p, n, 0);
    note_change(c, a, len);
    return 0;
}

/* Highest page index s in [lo, hi - n] with pages [s, s+n) free, or -1. */
static int64_t find_free(uint32_t lo, uint32_t hi, uint32_t n) {
    if (n == 0 || hi < lo || hi - lo < n) return -1;
    uint32_t end = hi, p = hi; /* pages [p, end) are known free */
    while (p > lo) {
        if (end - p >= n) return end - n;
        uint32_t q = p - 1, c = q >> CHUNK_SHIFT, cs = c << CHUNK_SHIFT;
        if ((q & (CHUNK_PAGES - 1)) == CHUNK_PAGES - 1 && cs >= lo) {
            if (chunk_used[c] == 0) {
                p = cs;
                continue;
            }
            if (chunk_used[c] == CHUNK_PAGES) {
                p = end = cs;
                continue;
            }
        }
        if (pt[q] & PG_MAPPED) end = q;
        p = q;
    }
    return end - p >= n ? (int64_t)(end - n) : -1;
}

/* A free, page-aligned place for len bytes: the hint if it fits, else the
 * highest gap below GUEST_MMAP_TOP, else the highest gap anywhere. */
static int64_t place(uint32_t hint, uint64_t len) {
    uint32_t n = (uint32_t)(len / GUEST_PAGE);
    uint64_t h = page_up(hint);
    if (hint && h >= GUEST_MMAP_BOTTOM && h + len <= TASK_TOP &&
        range_free((uint32_t)(h / GUEST_PAGE), n))
        return (int64_t)h;
    int64_t s = find_free(GUEST_MMAP_BOTTOM / GUEST_PAGE, GUEST_MMAP_TOP / GUEST_PAGE, n);
    if (s < 0) s = find_free(GUEST_MMAP_BOTTOM / GUEST_PAGE, TASK_TOP / GUEST_PAGE, n);
    return s < 0 ? -1 : s * (int64_t)GUEST_PAGE;
}

/* ---- setup -------------------------------------------------------------- */

/* xrun's own heap grows by about 1 KiB per translated block (34 MiB for
 * python3.11 -c pass). With glibc's defaults it grows and shrinks 128 KiB at
 * a time: 500 host brk calls there, half of them trims given back at once.
 * Growing 4 MiB at a time and never trimming below 64 MiB costs no RSS
 * (untouched pages are not resident). */
#define HOST_HEAP_TOP_PAD (4u << 20)
#define HOST_HEAP_TRIM (64u << 20)

int rt_mem_init(void) {
    if (guest_base) return 0;
    mallopt(M_TOP_PAD, HOST_HEAP_TOP_PAD);
    mallopt(M_TRIM_THRESHOLD, HOST_HEAP_TRIM);
    void *p = mmap(NULL, GUEST_SPACE + GUEST_GUARD, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        rt_error("cannot reserve the 4 GiB guest address space: %s", strerror(errno));
        return -1;
    }
    guest_base = p;
    return 0;
}

void rt_mem_set_read_implies_exec(bool on) {
    read_implies_exec = on;
}

/* ---- mmap --------------------------------------------------------------- */

/* Check a file descriptor like the kernel does before touching mappings. */
static int check_fd(int fd, int type, int prot) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -EBADF;
    int acc = fl & O_ACCMODE;
    if (acc == O_WRONLY) return -EACCES;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE)) {
        if (acc != O_RDWR) return -EACCES;
        if (fl & O_APPEND) return -EACCES;
    }
    return 0;
}

/* Errors the kernel reports before it removes anything in the target range. */
static bool early_error(int e) {
    return e == EBADF || e == EACCES || e == ENODEV || e == EINVAL || e == EOPNOTSUPP ||
           e == EPERM || e == EOVERFLOW || e == ETXTBSY;
}

uint32_t rt_mem_mmap(uint32_t addr, uint32_t len, int prot, int flags, int fd, uint64_t off) {
    int type = flags & MAP_TYPE_MASK;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return err(EINVAL);
    if (len == 0) return err(EINVAL);
    if (off & (GUEST_PAGE - 1)) return err(EINVAL);
    uint64_t alen = page_up(len);
    if (alen > TASK_TOP) return err(ENOMEM);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && (addr & (GUEST_PAGE - 1))) return err(EINVAL);
    bool anon = flags & MAP_ANONYMOUS;
    int gprot = guest_prot(prot);
    if (!anon) {
        int e = check_fd(fd, type, gprot);
        if (e) return err(-e);
    }

    pthread_mutex_lock(&mem_lock);
    Change chg = {0};
    uint32_t a;
    if (fixed) {
        if ((uint64_t)addr + alen > TASK_TOP) {
            pthread_mutex_unlock(&mem_lock);
            return err(ENOMEM);
        }
        if (addr < GUEST_MMAP_BOTTOM) {
            pthread_mutex_unlock(&mem_lock);
            return err(EPERM);
        }
        a = addr;
    } else {
        int64_t s = place(addr, alen);
        if (s < 0) {
            pthread_mutex_unlock(&mem_lock);
            return err(ENOMEM);
        }
        a = (uint32_t)s;
    }
    uint32_t p = a / GUEST_PAGE, n = (uint32_t)(alen / GUEST_PAGE);
    bool was_free = range_free(p, n);
    if (!was_free && (flags & MAP_FIXED_NOREPLACE)) {
        pthread_mutex_unlock(&mem_lock);
        return err(EEXIST);
    }

    int hflags = (flags & ~(MAP_FIXED_NOREPLACE | MAP_GROWSDOWN | MAP_HUGETLB | MAP_32BIT |
                            (int)MAP_HUGE_BITS)) |
                 MAP_FIXED;
    void *r = mmap(g2h(a), alen, host_prot(gprot), hflags, anon ? -1 : fd, anon ? 0 : (off_t)off);
    if (r == MAP_FAILED) {
        int e = errno;
        if (was_free || !early_error(e)) {
            /* The range may have lost its old mapping: make it a known hole. */
            host_reserve(a, alen);
            set_pages(p, n, 0);
            note_change(&chg, a, alen);
        }
        unlock_and_report(&chg);
        return err(e);
    }
    uint8_t v = PG_MAPPED | (uint8_t)gprot;
    if (type != MAP_PRIVATE) v |= PG_SHARED;
    if (!anon) v |= PG_FILE;
    set_pages(p, n, v);
    /* Even over free pages: a block cached there raises SIGSEGV. */
    note_change(&chg, a, alen);
    unlock_and_report(&chg);
    return a;
}

/* ---- munmap, mprotect ----------------------------------------------------- */

int rt_mem_munmap(uint32_t addr, uint32_t len) {
    if ((addr & (GUEST_PAGE - 1)) || len == 0) return -EINVAL;
    uint64_t alen = page_up(len);
    if ((uint64_t)addr + alen > TASK_TOP) return -EINVAL;
    pthread_mutex_lock(&mem_lock);
    Change chg = {0};
    int r = unmap_locked(addr, alen, &chg);
    unlock_and_report(&chg);
    return r;
}

int rt_mem_mprotect(uint32_t addr, uint32_t len, int prot) {
    if (addr & (GUEST_PAGE - 1)) return -EINVAL;
    if (prot & ~(PG_PROT | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return -EINVAL;
    if (len == 0) return 0;
    uint64_t alen = page_up(len);
    if ((uint64_t)addr + alen > TASK_TOP) return -ENOMEM;
    int gprot = guest_prot(prot);
    uint32_t p = addr / GUEST_PAGE, n = (uint32_t)(alen / GUEST_PAGE);

    pthread_mutex_lock(&mem_lock);
    Change chg = {0};
    if (!range_mapped(p, n)) {
        pthread_mutex_unlock(&mem_lock);
        return -ENOMEM;
    }
    if (mprotect(g2h(addr), alen, host_prot(gprot)) != 0) {
        int e = errno;
        pthread_mutex_unlock(&mem_lock);
        return -e;
    }
    for (uint32_t i = p; i < p + n; i++) {
        uint8_t old = pt[i];
        int op = old & PG_PROT;
        /* Translations of the page must go when it stops being readable or
         * executable, becomes writable (blocks from writable pages are
         * built differently), or becomes fetchable (a cached fetch fault). */
        bool change = (op & ~gprot & (PROT_READ | PROT_EXEC)) ||
                      (!(op & PROT_WRITE) && (gprot & PROT_WRITE)) ||
                      (!(op & (PROT_READ | PROT_EXEC)) && (gprot & (PROT_READ | PROT_EXEC)));
        uint8_t v = (uint8_t)((old & ~PG_PROT) | gprot);
        if (change) {
            note_change(&chg, i * GUEST_PAGE, GUEST_PAGE);
            v &= (uint8_t)~PG_CODE;
        } else if ((old & PG_CODE) && !(gprot & PROT_WRITE)) {
            v &= (uint8_t)~PG_CODE; /* read-only now anyway */
        } else if (old & PG_CODE) {
            /* Still writable and keeps its translations: stay protected. */
            mprotect(g2h(i * GUEST_PAGE), GUEST_PAGE, host_prot(gprot) & ~PROT_WRITE);
        }
        __atomic_store_n(&pt[i], v, __ATOMIC_RELAXED);
    }
    unlock_and_report(&chg);
    return 0;
}

/* ---- mremap ------------------------------------------------------------- *
 * Private anonymous mappings grow in place by mapping more anonymous pages
 * after them. Everything else uses host mremap: growing in place needs the
 * reservation after the mapping punched out first, and a move leaves the
 * source unmapped until it is re-reserved right after; in both windows a
 * concurrent host mmap by another xrun thread could land in the hole. */

/* Give up the write protection of code pages in [p, p+n): host mremap
 * needs the range to be one host mapping, as it is for the guest. Their
 * translations are dropped (noted in c). */
static void uncode_locked(uint32_t p, uint32_t n, Change *c) {
    for (uint32_t i = p; i < p + n && i < NPAGES; i++) {
        uint8_t v = pt[i];
        if (!(v & PG_CODE)) continue;
        mprotect(g2h(i * GUEST_PAGE), GUEST_PAGE, host_prot(v & PG_PROT));
        __atomic_store_n(&pt[i], (uint8_t)(v & ~PG_CODE), __ATOMIC_RELAXED);
        note_change(c, i * GUEST_PAGE, GUEST_PAGE);
    }
}

/* Move [src, src+olen) to [dst, dst+nlen) (dst range is unmapped or
 * replaceable); olen 0 duplicates a shared mapping. */
static uint32_t move_locked(uint32_t src, uint64_t olen, uint32_t dst, uint64_t nlen, Change *c) {
    uint32_t sp = src / GUEST_PAGE, so = (uint32_t)(olen / GUEST_PAGE);
    uint32_t dp = dst / GUEST_PAGE, dn = (uint32_t)(nlen / GUEST_PAGE);
    void *r = MAP_FAILED;
    /* A plain move unmaps the source, and until host_reserve puts the
     * reservation back another thread's mmap(NULL) (the compiler thread's
     * malloc, LLVM's code memory) may be placed in that hole, only to be
     * replaced by the reservation a moment later. Private anonymous memory
     * (every realloc of a big block) moves with MREMAP_DONTUNMAP instead,
     * which leaves the source mapped, so the address space never has a hole:
     * the growth is mapped first and the move (same size) lands in front of
     * it. Shared and file mappings keep the plain move. */
    if (so && nlen >= olen && !(pt[sp + so - 1] & (PG_SHARED | PG_FILE))) {
        bool ok = true;
        if (nlen > olen) {
            uint8_t last = pt[sp + so - 1];
            void *t = mmap(g2h(dst + (uint32_t)olen), nlen - olen, host_prot(last & PG_PROT),
                           MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            ok = t != MAP_FAILED;
        }
        if (ok)
            r = mremap(g2h(src), olen, olen, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
                       g2h(dst));
    }
    if (r == MAP_FAILED)
        r = mremap(g2h(src), olen, nlen, MREMAP_MAYMOVE | MREMAP_FIXED, g2h(dst));
    if (r == MAP_FAILED) {
        int e = errno;
        host_reserve(dst, nlen); /* the kernel may have cleared it already */
        set_pages(dp, dn, 0);
        note_change(c, dst, nlen);
        return err(e);
    }
    uint8_t last = pt[so ? sp + so - 1 : sp];
    for (uint32_t i = 0; i < dn; i++)
        set_pages(dp + i, 1, i < so ? pt[sp + i] : last);
    if (so) {
        host_reserve(src, olen);
        set_pages(sp, so, 0);
        note_change(c, src, olen);
    }
    note_change(c, dst, nlen);
    return dst;
}

/* Grow [old, old+olen) to nlen in place; the pages after it are free. */
static uint32_t grow_locked(uint32_t old, uint64_t olen, uint64_t nlen, Change *c) {
    uint32_t p = old / GUEST_PAGE, n = (uint32_t)(olen / GUEST_PAGE);
    uint32_t tp = p + n, tn = (uint32_t)((nlen - olen) / GUEST_PAGE);
    uint8_t last = pt[p + n - 1];
    uint32_t tail = old + (uint32_t)olen;
    note_change(c, tail, nlen - olen); /* cached fetch faults there */
    if (!(last & (PG_SHARED | PG_FILE))) {
        void *r = mmap(g2h(tail), nlen - olen, host_prot(last & PG_PROT),
                       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (r == MAP_FAILED) {
            int e = errno;
            host_reserve(tail, nlen - olen);
            return err(e);
        }
    } else {
        if (munmap(g2h(tail), nlen - olen) != 0) return err(errno);
        void *r = mremap(g2h(old), olen, nlen, 0);
        if (r == MAP_FAILED) {
            int e = errno;
            host_reserve(tail, nlen - olen);
            return err(e);
        }
    }
    set_pages(tp, tn, last);
    return old;
}

uint32_t rt_mem_mremap(uint32_t old, uint32_t oldlen, uint32_t newlen, int flags,
                       uint32_t newaddr) {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return err(EINVAL);
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return err(EINVAL);
    if (flags & MREMAP_DONTUNMAP) return err(EINVAL); /* not supported (as before Linux 5.7) */
    if (old & (GUEST_PAGE - 1)) return err(EINVAL);
    uint64_t olen = page_up(oldlen), nlen = page_up(newlen);
    if (nlen == 0) return err(EINVAL);
    if (nlen > TASK_TOP) return err(ENOMEM);
    if ((uint64_t)old + (olen ? olen : GUEST_PAGE) > TASK_TOP) return err(EFAULT);
    bool fixed = flags & MREMAP_FIXED;
    if (fixed) {
        if (newaddr & (GUEST_PAGE - 1)) return err(EINVAL);
        if ((uint64_t)newaddr + nlen > TASK_TOP) return err(EINVAL);
        if (newaddr < GUEST_MMAP_BOTTOM) return err(EPERM);
        if ((uint64_t)newaddr < (uint64_t)old + olen && (uint64_t)old < (uint64_t)newaddr + nlen)
            return err(EINVAL);
    }

    pthread_mutex_lock(&mem_lock);
    Change chg = {0};
    uint32_t p = old / GUEST_PAGE, n = (uint32_t)(olen / GUEST_PAGE);
    uint32_t r;
    uncode_locked(p, n ? n : 1, &chg);
    if (olen == 0) {
        /* Duplicate a shared mapping (needs MAYMOVE). */
        if (!(pt[p] & PG_MAPPED))
            r = err(EFAULT);
        else if (!(pt[p] & PG_SHARED) || !(flags & MREMAP_MAYMOVE))
            r = err(EINVAL);
        else {
            int64_t d = fixed ? newaddr : place(0, nlen);
            if (d < 0)
                r = err(ENOMEM);
            else {
                if (fixed) unmap_locked((uint32_t)d, nlen, &chg);
                r = move_locked(old, 0, (uint32_t)d, nlen, &chg);
            }
        }
    } else if (!range_mapped(p, n)) {
        r = err(EFAULT);
    } else if (fixed) {
        r = 0;
        if (nlen < olen) {
            unmap_locked(old + (uint32_t)nlen, olen - nlen, &chg);
            olen = nlen;
        }
        int e = unmap_locked(newaddr, nlen, &chg);
        r = e < 0 ? err(-e) : move_locked(old, olen, newaddr, nlen, &chg);
    } else if (nlen <= olen) {
        if (nlen < olen) unmap_locked(old + (uint32_t)nlen, olen - nlen, &chg);
        r = old;
    } else if ((uint64_t)old + nlen <= TASK_TOP &&
               range_free(p + n, (uint32_t)((nlen - olen) / GUEST_PAGE))) {
        r = grow_locked(old, olen, nlen, &chg);
    } else if (flags & MREMAP_MAYMOVE) {
        int64_t d = place(0, nlen);
        r = d < 0 ? err(ENOMEM) : move_locked(old, olen, (uint32_t)d, nlen, &chg);
    } else {
        r = err(ENOMEM);
    }
    unlock_and_report(&chg);
    return r;
}

/* ---- brk ---------------------------------------------------------------- */

void rt_mem_set_brk_base(uint32_t brk) {
    pthread_mutex_lock(&mem_lock);
    uint64_t b = page_up(brk);
    brk_base = brk_cur = b >= TASK_TOP ? TASK_TOP : (uint32_t)b;
    pthread_mutex_unlock(&mem_lock);
}

uint32_t rt_mem_brk(uint32_t newbrk) {
    pthread_mutex_lock(&mem_lock);
    Change chg = {0};
    uint32_t r = brk_cur;
    if (!brk_base || newbrk < brk_base) goto out;
    uint64_t oldend = page_up(brk_cur), newend = page_up(newbrk);
    if (newend > oldend) {
        /* Like Linux, keep a free page between the heap and the next mapping. */
        uint64_t need = newend + GUEST_PAGE;
        if (need > TASK_TOP) need = TASK_TOP;
        if (newend > TASK_TOP) goto out;
        if (!range_free((uint32_t)(oldend / GUEST_PAGE), (uint32_t)((need - oldend) / GUEST_PAGE)))
            goto out;
        int gprot = guest_prot(PROT_READ | PROT_WRITE);
        void *m = mmap(g2h((uint32_t)oldend), newend - oldend, host_prot(gprot),
                       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            host_reserve((uint32_t)oldend, newend - oldend);
            goto out;
        }
        set_pages((uint32_t)(oldend / GUEST_PAGE), (uint32_t)((newend - oldend) / GUEST_PAGE),
                  (uint8_t)(PG_MAPPED | gprot));
        note_change(&chg, (uint32_t)oldend, newend - oldend);
    } else if (newend < oldend) {
        if (unmap_locked((uint32_t)newend, oldend - newend, &chg) < 0) goto out;
    }
    brk_cur = r = newbrk;
out:
    unlock_and_report(&chg);
    return r;
}

/* ---- queries and checked access ------------------------------------------ */

int rt_mem_prot(uint32_t a) {
    uint8_t v = pte(a / GUEST_PAGE);
    return (v & PG_MAPPED) ? (v & PG_PROT) : 0;
}

int rt_mem_page_kind(uint32_t a) {
    uint8_t v = pte(a / GUEST_PAGE);
    return (v & PG_MAPPED) ? (v & (PG_MAPPED | PG_SHARED | PG_PROT)) : 0;
}

void rt_mem_heap(uint32_t *start, uint32_t *end) {
    pthread_mutex_lock(&mem_lock);
    *start = brk_base;
    *end = (uint32_t)page_up(brk_cur);
    pthread_mutex_unlock(&mem_lock);
}

/* Does page entry v allow `prot`? On x86 write and exec imply read. */
static bool allows(uint8_t v, int prot) {
    if (!(v & PG_MAPPED)) return false;
    if ((prot & PROT_READ) && !(v & PG_PROT)) return false;
    if ((prot & PROT_WRITE) && !(v & PROT_WRITE)) return false;
    if ((prot & PROT_EXEC) && !(v & PROT_EXEC)) return false;
    return true;
}

bool rt_mem_range_ok(uint32_t a, uint32_t len, int prot) {
    if (len == 0) return true;
    uint64_t end = (uint64_t)a + len;
    if (end > GUEST_SPACE) return false;
    for (uint64_t p = a / GUEST_PAGE; p <= (end - 1) / GUEST_PAGE; p++)
        if (!allows(pte((uint32_t)p), prot)) return false;
    return true;
}

void *rt_g2h_checked(uint32_t a, uint32_t len, int prot) {
    if (!rt_mem_range_ok(a, len, prot)) return NULL;
    if ((prot & PROT_WRITE) && len) {
        /* The kernel would fail with EFAULT on a write-protected code page
         * where the guest expects the write to happen: unprotect first. */
        uint64_t end = (uint64_t)a + len;
        for (uint64_t p = a / GUEST_PAGE; p <= (end - 1) / GUEST_PAGE; p++)
            if (pte((uint32_t)p) & PG_CODE) rt_mem_write_fault((uint32_t)p * GUEST_PAGE);
    }
    return g2h(a);
}

const char *rt_gstr(uint32_t a, size_t max) {
    uint64_t cur = a;
    size_t left = max;
    while (left > 0 && cur < GUEST_SPACE) {
        if (!allows(pte((uint32_t)(cur / GUEST_PAGE)), PROT_READ)) return NULL;
        uint64_t pend = (cur | (GUEST_PAGE - 1)) + 1;
        size_t chunk = pend - cur < left ? (size_t)(pend - cur) : left;
        if (memchr(g2h((uint32_t)cur), 0, chunk)) return (const char *)g2h(a);
        cur += chunk;
        left -= chunk;
    }
    return NULL;
}

/* ---- write protection of code pages ---------------------------------------- */

int rt_mem_code_page(uint32_t page_addr) {
    uint32_t p = page_addr / GUEST_PAGE;
    pthread_mutex_lock(&mem_lock);
    uint8_t v = pt[p];
    if ((v & PG_MAPPED) && (v & PROT_WRITE) && !(v & PG_CODE)) {
        if (mprotect(g2h(page_addr), GUEST_PAGE, host_prot(v & PG_PROT) & ~PROT_WRITE) == 0)
            __atomic_store_n(&pt[p], (uint8_t)(v | PG_CODE), __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&mem_lock);
    return (v & PG_MAPPED) ? (v & PG_PROT) : 0;
}

void rt_mem_unprotect_code(uint32_t page_addr) {
    uint32_t p = page_addr / GUEST_PAGE;
    pthread_mutex_lock(&mem_lock);
    uint8_t v = pt[p];
    /* Also when PG_CODE is already clear (another thread got here first):
     * the host page must be writable when the guest's is. */
    if ((v & PG_MAPPED) && (v & PROT_WRITE)) {
        mprotect(g2h(page_addr), GUEST_PAGE, host_prot(v & PG_PROT));
        __atomic_store_n(&pt[p], (uint8_t)(v & ~PG_CODE), __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&mem_lock);
}

int rt_mem_write_fault(uint32_t gaddr) {
    uint32_t page = gaddr & GUEST_PAGE_MASK;
    uint8_t v = pte(gaddr / GUEST_PAGE);
    if (!(v & PG_MAPPED) || !(v & PROT_WRITE)) return 0; /* the guest's fault */
    if (rt_mem_on_code_write) return rt_mem_on_code_write(page) ? 1 : 0;
    rt_mem_unprotect_code(page);
    return 1;
}
