/* Guest address space (DESIGN §4).
 *
 * The whole 4 GiB guest space is reserved once (PROT_NONE, MAP_NORESERVE),
 * followed by a guard region, at guest_base. Guest address a lives at host
 * address guest_base + (uint32_t)a. Every guest mapping (ELF segments,
 * stack, brk, guest mmap) is placed inside the reservation by the allocator
 * here, which tracks per guest page whether it is mapped and its guest
 * protection (PROT_EXEC is remembered but host pages never get it).
 */
#ifndef XRUN_RUNTIME_MEM_H_
#define XRUN_RUNTIME_MEM_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE 4096u
#define GUEST_PAGE_MASK (~(GUEST_PAGE - 1u))
#define GUEST_SPACE (1ull << 32)
#define GUEST_GUARD (1ull << 24) /* bytes of PROT_NONE after the 4 GiB */
/* Where the guest mmap allocator searches down from (like i386 Linux's
 * mmap_base below the stack), and the stack top. */
#define GUEST_STACK_TOP 0xffffe000u
#define GUEST_STACK_SIZE (8u << 20)
#define GUEST_MMAP_TOP 0xf7fff000u
#define GUEST_MMAP_BOTTOM 0x00010000u

extern uint8_t *guest_base;

static inline void *g2h(uint32_t a) { return guest_base + a; }
static inline uint32_t h2g(const void *p) { return (uint32_t)((const uint8_t *)p - guest_base); }
/* True when host address p lies in the reservation (incl. guard). */
static inline bool rt_mem_is_guest(const void *p)
{
    return (const uint8_t *)p >= guest_base &&
           (const uint8_t *)p < guest_base + GUEST_SPACE + GUEST_GUARD;
}

/* Reserve the space. Returns 0, or -1 with a message printed. */
int rt_mem_init(void);

/* Guest mmap semantics on guest addresses. prot/flags use the host PROT_ and
 * MAP_ values (same numbers as i386 Linux). Without MAP_FIXED, addr is a
 * hint; the allocator picks free space searching down from GUEST_MMAP_TOP.
 * MAP_FIXED_NOREPLACE is honoured. Returns the guest address or -errno
 * (as a negative value cast to uint32_t: check with rt_mem_is_err). */
uint32_t rt_mem_mmap(uint32_t addr, uint32_t len, int prot, int flags, int fd, uint64_t off);
int rt_mem_munmap(uint32_t addr, uint32_t len);
int rt_mem_mprotect(uint32_t addr, uint32_t len, int prot);
uint32_t rt_mem_mremap(uint32_t old, uint32_t oldlen, uint32_t newlen, int flags, uint32_t newaddr);
/* brk: set the initial break (end of the loaded image) once, then the
 * syscall semantics: returns the new break, or the old one on failure. */
void rt_mem_set_brk_base(uint32_t brk);
uint32_t rt_mem_brk(uint32_t newbrk);
static inline bool rt_mem_is_err(uint32_t r) { return r > 0xfffff000u; }

/* Guest protection of the page holding a (PROT_* bits; 0 if unmapped). */
int rt_mem_prot(uint32_t a);
/* The page holding a as /proc/PID/maps shows it: 0 when unmapped, else
 * RT_MEM_MAPPED | guest PROT_* bits | RT_MEM_SHARED for MAP_SHARED. */
enum { RT_MEM_SHARED = 0x10, RT_MEM_MAPPED = 0x80 };
int rt_mem_page_kind(uint32_t a);
/* The brk heap: [start, end) page-aligned (empty when nothing was added). */
void rt_mem_heap(uint32_t *start, uint32_t *end);
/* True when [a, a+len) is fully mapped with at least `prot` (PROT_READ /
 * PROT_WRITE). Used for the checked accessors. */
bool rt_mem_range_ok(uint32_t a, uint32_t len, int prot);

/* Checked guest pointer access for syscalls: returns the host pointer or
 * NULL when the range is not accessible (caller returns -EFAULT). */
void *rt_g2h_checked(uint32_t a, uint32_t len, int prot);
/* Guest C string: host pointer if mapped and NUL-terminated within max bytes. */
const char *rt_gstr(uint32_t a, size_t max);

/* Called (outside the allocator's lock) after mappings change in a way
 * that may invalidate translated code in [addr, addr+len): unmapped,
 * replaced, moved, newly mapped, or mprotect dropping read/exec or adding
 * write. Set by the code cache. */
extern void (*rt_mem_on_code_change)(uint32_t addr, uint32_t len);
/* Hold / release the memory map's lock across a fork (runtime/thread.h). */
void rt_mem_fork_lock(void);
void rt_mem_fork_unlock(void);

/* Write protection of code pages (DESIGN §4, self-modifying code).
 * rt_mem_code_page: the translator is about to decode code on the page at
 * page_addr; when the page is guest-writable the host page becomes
 * read-only so that a later write faults. Returns the guest protection
 * (0 if unmapped). rt_mem_unprotect_code: give the page its guest
 * protection back (called by the code cache after dropping the page's
 * translations, under the cache lock). */
int rt_mem_code_page(uint32_t page_addr);
void rt_mem_unprotect_code(uint32_t page_addr);
/* Called by rt_mem_write_fault for a write to a guest-writable page: drop
 * the page's translations, rt_mem_unprotect_code it, flag the storing
 * thread (CPUState.smc_hit). False: not handled. Set by the code cache;
 * without it the page is just unprotected. */
extern bool (*rt_mem_on_code_write)(uint32_t page_addr);

/* A host write fault at guest address gaddr: if the page is guest-writable
 * (so only write-protected because it holds translated code), drop that
 * page's translations, unprotect it and return 1 (the access is retried).
 * Otherwise 0: the fault is the guest's. Called from the host SIGSEGV
 * handler: it allocates and frees nothing, and takes only locks that no
 * writer of guest memory holds (runtime/tcache.c). */
int rt_mem_write_fault(uint32_t gaddr);

#endif
