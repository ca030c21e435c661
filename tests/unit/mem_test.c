/* Unit test of the guest address space (runtime/mem.c): placement, fixed
 * and no-replace mappings, holes, protections (checked against real host
 * faults), mremap, brk, the checked accessors and the 4 GiB bounds. */
#include "runtime/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/unit/check.h"
#define ERR(e) ((uint32_t) - (e))
#define PG GUEST_PAGE
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

/* ---- fault probes ------------------------------------------------------- */

static sigjmp_buf probe_jb;
static volatile sig_atomic_t armed;
static void on_fault(int sig) {
    if (!armed) {
        signal(sig, SIG_DFL);
        return; /* an unexpected fault: re-raised with the default action */
    }
    armed = 0;
    siglongjmp(probe_jb, 1);
}

/* 1 if reading / writing guest address a works on the host. */
static int can_read(uint32_t a) {
    if (sigsetjmp(probe_jb, 1)) return 0;
    armed = 1;
    volatile uint8_t v = *(volatile uint8_t *)g2h(a);
    (void)v;
    armed = 0;
    return 1;
}
static int can_write(uint32_t a) {
    if (sigsetjmp(probe_jb, 1)) return 0;
    armed = 1;
    volatile uint8_t *p = g2h(a);
    *p = *p;
    armed = 0;
    return 1;
}

/* ---- code-change recorder ----------------------------------------------- */

static int changes;
static uint32_t chg_addr, chg_len;
static void on_change(uint32_t a, uint32_t l) {
    changes++;
    chg_addr = a;
    chg_len = l;
}

/* ---- tests -------------------------------------------------------------- */

static void test_placement(void) {
    uint32_t a = rt_mem_mmap(0, 3 * PG, RW, ANON, -1, 0);
    CHECK(a == GUEST_MMAP_TOP - 3 * PG);
    uint32_t b = rt_mem_mmap(0, 100, RW, ANON, -1, 0);
    CHECK(b == a - PG);
    CHECK(rt_mem_prot(a) == RW && rt_mem_prot(a + 3 * PG - 1) == RW);
    CHECK(rt_mem_prot(a + 3 * PG) == 0);
    memset(g2h(a), 0x5a, 3 * PG);
    CHECK(((uint8_t *)g2h(a))[3 * PG - 1] == 0x5a);
    /* A free hint is honoured (aligned up); a taken one is not. */
    CHECK(rt_mem_mmap(0x40000000, 2 * PG, RW, ANON, -1, 0) == 0x40000000);
    CHECK(rt_mem_mmap(0x50000123, PG, RW, ANON, -1, 0) == 0x50001000);
    uint32_t c = rt_mem_mmap(0x40000000, PG, RW, ANON, -1, 0);
    CHECK(c != 0x40000000 && c == b - PG);
    /* Unmapping leaves a hole the next allocation fills. */
    CHECK(rt_mem_munmap(a + PG, PG) == 0);
    CHECK(rt_mem_prot(a + PG) == 0 && rt_mem_prot(a) == RW && rt_mem_prot(a + 2 * PG) == RW);
    CHECK(!can_read(a + PG) && can_read(a) && can_read(a + 2 * PG));
    CHECK(rt_mem_mmap(0, PG, PROT_READ, ANON, -1, 0) == a + PG);
    CHECK(can_read(a + PG) && !can_write(a + PG));
    /* Too big for a 2-page hole: goes below. */
    CHECK(rt_mem_munmap(a, 2 * PG) == 0);
    uint32_t d = rt_mem_mmap(0, 3 * PG, RW, ANON, -1, 0);
    CHECK(d == c - 3 * PG);
    CHECK(rt_mem_munmap(0x40000000, 2 * PG) == 0 && rt_mem_munmap(0x50001000, PG) == 0);
}

static void test_errors(void) {
    CHECK(rt_mem_mmap(0, 0, RW, ANON, -1, 0) == ERR(EINVAL));
    CHECK(rt_mem_mmap(0x40000010, PG, RW, ANON | MAP_FIXED, -1, 0) == ERR(EINVAL));
    CHECK(rt_mem_mmap(0, PG, RW, MAP_ANONYMOUS, -1, 0) == ERR(EINVAL)); /* no type */
    CHECK(rt_mem_mmap(0, PG, RW, ANON, -1, 100) == ERR(EINVAL));
    CHECK(rt_mem_mmap(0, 0xfffff001u, RW, ANON, -1, 0) == ERR(ENOMEM));
    CHECK(rt_mem_mmap(0xfffff000u, PG, RW, ANON | MAP_FIXED, -1, 0) == ERR(ENOMEM));
    CHECK(rt_mem_mmap(0xffffd000u, 2 * PG, RW, ANON | MAP_FIXED, -1, 0) == ERR(ENOMEM));
    CHECK(rt_mem_mmap(0x1000, PG, RW, ANON | MAP_FIXED, -1, 0) == ERR(EPERM));
    CHECK(rt_mem_mmap(0, PG, RW, MAP_PRIVATE, 9999, 0) == ERR(EBADF));
    CHECK(rt_mem_mmap(0, 0xfffe0000u, PROT_NONE, ANON, -1, 0) == ERR(ENOMEM));
    CHECK(rt_mem_munmap(0x40000010, PG) == -EINVAL);
    CHECK(rt_mem_munmap(0x40000000, 0) == -EINVAL);
    CHECK(rt_mem_munmap(0xfffff000u, 2 * PG) == -EINVAL);
    CHECK(rt_mem_munmap(0x30000000, 16 * PG) == 0); /* nothing there: fine */
    CHECK(rt_mem_is_err(ERR(EINVAL)) && !rt_mem_is_err(0xfffff000u));
}

static void test_fixed(void) {
    uint32_t a = 0x20000000;
    CHECK(rt_mem_mmap(a, 4 * PG, RW, ANON | MAP_FIXED, -1, 0) == a);
    memset(g2h(a), 1, 4 * PG);
    /* MAP_FIXED replaces: fresh zero page in the middle. */
    CHECK(rt_mem_mmap(a + PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0) == a + PG);
    CHECK(((uint8_t *)g2h(a + PG))[10] == 0 && ((uint8_t *)g2h(a))[10] == 1);
    CHECK(rt_mem_prot(a + PG) == PROT_READ && !can_write(a + PG) && can_write(a + 2 * PG));
    /* NOREPLACE: EEXIST on any overlap, success on free space. */
    CHECK(rt_mem_mmap(a + 3 * PG, 2 * PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == ERR(EEXIST));
    CHECK(((uint8_t *)g2h(a + 3 * PG))[0] == 1);
    CHECK(rt_mem_mmap(a + 4 * PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == a + 4 * PG);
    CHECK(rt_mem_mmap(a + 5 * PG, PG, RW, ANON | MAP_FIXED_NOREPLACE | MAP_FIXED, -1, 0) ==
          a + 5 * PG);
    CHECK(rt_mem_mmap(a, PG, RW, ANON | MAP_FIXED_NOREPLACE | MAP_FIXED, -1, 0) == ERR(EEXIST));
    /* GROWSDOWN is accepted and behaves like a plain mapping. */
    CHECK(rt_mem_mmap(a + 8 * PG, PG, RW, ANON | MAP_FIXED | MAP_GROWSDOWN, -1, 0) == a + 8 * PG);
    CHECK(rt_mem_prot(a + 7 * PG) == 0);
    /* Exec is remembered, never given to the host. */
    CHECK(rt_mem_mmap(a + 10 * PG, PG, PROT_READ | PROT_EXEC, ANON | MAP_FIXED, -1, 0) ==
          a + 10 * PG);
    CHECK(rt_mem_prot(a + 10 * PG) == (PROT_READ | PROT_EXEC));
    CHECK(rt_mem_munmap(a, 11 * PG) == 0);
    CHECK(rt_mem_prot(a) == 0 && rt_mem_prot(a + 10 * PG) == 0 && !can_read(a + 4 * PG));
}

static void test_mprotect(void) {
    uint32_t a = 0x21000000;
    CHECK(rt_mem_mmap(a, 4 * PG, RW, ANON | MAP_FIXED, -1, 0) == a);
    CHECK(rt_mem_mprotect(a + PG, 2 * PG, PROT_READ) == 0);
    CHECK(can_write(a) && !can_write(a + PG) && can_read(a + PG) && !can_write(a + 2 * PG));
    CHECK(can_write(a + 3 * PG));
    CHECK(!rt_mem_range_ok(a, 2 * PG, PROT_WRITE) && rt_mem_range_ok(a, 4 * PG, PROT_READ));
    CHECK(rt_mem_mprotect(a, PG, PROT_NONE) == 0 && !can_read(a) && rt_mem_prot(a) == 0);
    CHECK(!rt_mem_range_ok(a, 1, PROT_READ));
    CHECK(rt_mem_mprotect(a + 1, PG, PROT_READ) == -EINVAL);
    CHECK(rt_mem_mprotect(a, PG, 0x40) == -EINVAL);
    CHECK(rt_mem_mprotect(a, 0, PROT_READ) == 0);
    CHECK(rt_mem_mprotect(a + 3 * PG, 2 * PG, PROT_READ) == -ENOMEM); /* runs into a hole */
    CHECK(rt_mem_prot(a + 3 * PG) == RW);
    CHECK(rt_mem_mprotect(a + 8 * PG, PG, PROT_READ) == -ENOMEM);
    CHECK(rt_mem_mprotect(a, 4 * PG, RW) == 0 && can_write(a) && can_write(a + 2 * PG));

    /* Code-change notifications. */
    rt_mem_on_code_change = on_change;
    changes = 0;
    CHECK(rt_mem_mprotect(a, 2 * PG, PROT_READ | PROT_EXEC) == 0 && changes == 0);
    CHECK(rt_mem_prot(a) == (PROT_READ | PROT_EXEC) && can_read(a) && !can_write(a));
    CHECK(rt_mem_mprotect(a, PG, RW | PROT_EXEC) == 0 && changes == 1 && chg_addr == a);
    CHECK(rt_mem_mprotect(a, PG, RW | PROT_EXEC) == 0 && changes == 1); /* write already there */
    CHECK(rt_mem_mprotect(a + PG, PG, PROT_READ) == 0 && changes == 2 && chg_addr == a + PG);
    CHECK(rt_mem_mmap(a, PG, RW, ANON | MAP_FIXED, -1, 0) == a && changes == 3);
    CHECK(rt_mem_mprotect(a + 2 * PG, PG, PROT_READ | PROT_EXEC) == 0 && changes == 3);
    CHECK(rt_mem_munmap(a, 4 * PG) == 0 && changes == 4 && chg_addr == a && chg_len == 4 * PG);
    CHECK(rt_mem_munmap(a, 4 * PG) == 0 && changes == 4);
    rt_mem_on_code_change = NULL;
}

static void test_mremap(void) {
    uint32_t a = 0x22000000;
    CHECK(rt_mem_mmap(a, 2 * PG, RW, ANON | MAP_FIXED, -1, 0) == a);
    memset(g2h(a), 7, 2 * PG);
    /* Grow in place into free pages. */
    CHECK(rt_mem_mremap(a, 2 * PG, 4 * PG, 0, 0) == a);
    CHECK(rt_mem_prot(a + 3 * PG) == RW && can_write(a + 3 * PG));
    CHECK(((uint8_t *)g2h(a))[2 * PG - 1] == 7 && ((uint8_t *)g2h(a))[2 * PG] == 0);
    /* Shrink. */
    CHECK(rt_mem_mremap(a, 4 * PG, 3 * PG, 0, 0) == a);
    CHECK(rt_mem_prot(a + 3 * PG) == 0 && !can_read(a + 3 * PG));
    /* Blocked: fails without MAYMOVE, moves with it. */
    CHECK(rt_mem_mmap(a + 3 * PG, PG, PROT_READ, ANON | MAP_FIXED, -1, 0) == a + 3 * PG);
    CHECK(rt_mem_mremap(a, 3 * PG, 5 * PG, 0, 0) == ERR(ENOMEM));
    uint32_t b = rt_mem_mremap(a, 3 * PG, 5 * PG, MREMAP_MAYMOVE, 0);
    CHECK(!rt_mem_is_err(b) && b != a);
    CHECK(rt_mem_prot(a) == 0 && !can_read(a) && rt_mem_prot(b + 4 * PG) == RW);
    CHECK(((uint8_t *)g2h(b))[0] == 7 && ((uint8_t *)g2h(b))[2 * PG - 1] == 7);
    CHECK(((uint8_t *)g2h(b))[2 * PG] == 0 && can_write(b + 4 * PG));
    /* Fixed move, shrinking on the way. */
    uint32_t c = 0x23000000;
    CHECK(rt_mem_mmap(c, PG, PROT_READ, ANON | MAP_FIXED, -1, 0) == c);
    CHECK(rt_mem_mremap(b, 5 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, c) == c);
    CHECK(((uint8_t *)g2h(c))[5] == 7 && rt_mem_prot(c) == RW && rt_mem_prot(c + 2 * PG) == 0);
    CHECK(rt_mem_prot(b) == 0 && rt_mem_prot(b + 4 * PG) == 0);
    /* Errors. */
    CHECK(rt_mem_mremap(c, PG, 2 * PG, MREMAP_FIXED, 0x24000000) == ERR(EINVAL));
    CHECK(rt_mem_mremap(c, PG, 2 * PG, 0x40, 0) == ERR(EINVAL));
    CHECK(rt_mem_mremap(c + 1, PG, 2 * PG, 0, 0) == ERR(EINVAL));
    CHECK(rt_mem_mremap(c, PG, 0, 0, 0) == ERR(EINVAL));
    CHECK(rt_mem_mremap(0x25000000, PG, 2 * PG, MREMAP_MAYMOVE, 0) == ERR(EFAULT));
    CHECK(rt_mem_mremap(c, 2 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, c + PG) == ERR(EINVAL));
    CHECK(rt_mem_munmap(c, 2 * PG) == 0 && rt_mem_munmap(a + 3 * PG, PG) == 0);
}

static void test_files(void) {
    char path[] = "/tmp/xrun_mem_testXXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    unlink(path);
    uint8_t buf[3 * PG];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i / PG + 1);
    CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    /* Private map at an offset. */
    uint32_t a = rt_mem_mmap(0, PG, PROT_READ, MAP_PRIVATE, fd, PG);
    CHECK(!rt_mem_is_err(a) && ((uint8_t *)g2h(a))[0] == 2 && !can_write(a));
    CHECK(rt_mem_munmap(a, PG) == 0);
    /* Shared map, written through, grown in place with mremap. */
    uint32_t s = 0x26000000;
    CHECK(rt_mem_mmap(s, PG, RW, MAP_SHARED | MAP_FIXED, fd, 0) == s);
    ((uint8_t *)g2h(s))[0] = 0x99;
    uint8_t c = 0;
    CHECK(pread(fd, &c, 1, 0) == 1 && c == 0x99);
    CHECK(rt_mem_mremap(s, PG, 2 * PG, 0, 0) == s);
    CHECK(((uint8_t *)g2h(s))[PG] == 2 && rt_mem_prot(s + PG) == RW);
    /* And moved. */
    CHECK(rt_mem_mmap(s + 2 * PG, PG, RW, ANON | MAP_FIXED, -1, 0) == s + 2 * PG);
    uint32_t m = rt_mem_mremap(s, 2 * PG, 3 * PG, MREMAP_MAYMOVE, 0);
    CHECK(!rt_mem_is_err(m) && m != s && ((uint8_t *)g2h(m))[2 * PG] == 3);
    CHECK(((uint8_t *)g2h(m))[0] == 0x99 && !can_read(s) && rt_mem_prot(s) == 0);
    CHECK(rt_mem_munmap(m, 3 * PG) == 0 && rt_mem_munmap(s + 2 * PG, PG) == 0);
    /* A read-only descriptor cannot back a writable shared mapping. */
    int ro = open("/proc/self/exe", O_RDONLY);
    CHECK(rt_mem_mmap(0, PG, RW, MAP_SHARED, ro, 0) == ERR(EACCES));
    CHECK(!rt_mem_is_err(rt_mem_mmap(0x27000000, PG, RW, MAP_PRIVATE | MAP_FIXED, ro, 0)));
    CHECK(can_write(0x27000000) && rt_mem_munmap(0x27000000, PG) == 0);
    close(ro);
    close(fd);
}

static void test_brk(void) {
    rt_mem_set_brk_base(0x08100123);
    uint32_t b0 = rt_mem_brk(0);
    CHECK(b0 == 0x08101000);
    CHECK(rt_mem_prot(b0) == 0);
    CHECK(rt_mem_brk(b0 + 10000) == b0 + 10000);
    CHECK(rt_mem_prot(b0) == RW && rt_mem_prot(b0 + 2 * PG) == RW && rt_mem_prot(b0 + 3 * PG) == 0);
    memset(g2h(b0), 3, 10000);
    CHECK(rt_mem_brk(b0 + 100) == b0 + 100);
    CHECK(rt_mem_prot(b0) == RW && rt_mem_prot(b0 + PG) == 0 && !can_read(b0 + PG));
    CHECK(rt_mem_brk(b0 + 3 * PG) == b0 + 3 * PG);
    CHECK(((uint8_t *)g2h(b0 + PG))[0] == 0 && ((uint8_t *)g2h(b0))[50] == 3);
    CHECK(rt_mem_brk(b0 - 1) == b0 + 3 * PG); /* below the base: no change */
    CHECK(rt_mem_brk(0xfffff000u) == b0 + 3 * PG);
    /* Collides with a mapping (one free page must remain between). */
    CHECK(rt_mem_mmap(b0 + 10 * PG, PG, RW, ANON | MAP_FIXED, -1, 0) == b0 + 10 * PG);
    CHECK(rt_mem_brk(b0 + 9 * PG + 1) == b0 + 3 * PG);
    CHECK(rt_mem_brk(b0 + 9 * PG) == b0 + 9 * PG);
    CHECK(rt_mem_brk(b0 + 9 * PG + 1) == b0 + 9 * PG);
    CHECK(rt_mem_brk(b0) == b0 && rt_mem_prot(b0) == 0);
    CHECK(rt_mem_munmap(b0 + 10 * PG, PG) == 0);
}

static void test_access(void) {
    uint32_t a = 0x28000000;
    CHECK(rt_mem_mmap(a, 2 * PG, RW, ANON | MAP_FIXED, -1, 0) == a);
    CHECK(rt_mem_mprotect(a + PG, PG, PROT_READ) == 0);
    CHECK(rt_g2h_checked(a, 2 * PG, PROT_READ) == g2h(a));
    CHECK(rt_g2h_checked(a, 2 * PG, PROT_WRITE) == NULL);
    CHECK(rt_g2h_checked(a + PG - 4, 4, PROT_WRITE) == g2h(a + PG - 4));
    CHECK(rt_g2h_checked(a + PG - 4, 5, PROT_WRITE) == NULL);
    CHECK(rt_g2h_checked(a + 2 * PG - 4, 5, PROT_READ) == NULL);
    CHECK(rt_g2h_checked(a, 0, PROT_WRITE) != NULL);
    CHECK(rt_g2h_checked(0, 4, PROT_READ) == NULL);
    CHECK(!rt_mem_range_ok(0xfffffffeu, 4, PROT_READ));
    CHECK(!rt_mem_range_ok(0xffffffffu, 1, PROT_READ));
    /* Strings: terminated, cut by max, running into unmapped memory. */
    CHECK(rt_mem_mprotect(a + PG, PG, PROT_READ | PROT_WRITE) == 0);
    char *h = g2h(a + 2 * PG - 6);
    memcpy(h, "hello", 6);
    CHECK(rt_gstr(a + 2 * PG - 6, 100) == h);
    CHECK(rt_gstr(a + 2 * PG - 6, 6) == h);
    CHECK(rt_gstr(a + 2 * PG - 6, 5) == NULL);
    h[5] = '!';
    CHECK(rt_gstr(a + 2 * PG - 6, 100) == NULL);
    memset(g2h(a), 'x', PG);
    ((char *)g2h(a + PG))[0] = 0;
    CHECK(rt_gstr(a + 10, 5000) == g2h(a + 10));
    CHECK(rt_gstr(0, 10) == NULL);
    CHECK(rt_mem_munmap(a, 2 * PG) == 0);
}

/* The reservation covers 4 GiB + guard and nothing is mapped at 0. */
static void test_bounds(void) {
    CHECK(guest_base != NULL);
    CHECK(rt_mem_is_guest(g2h(0)) && rt_mem_is_guest(g2h(0xffffffffu)));
    CHECK(rt_mem_is_guest(guest_base + GUEST_SPACE + GUEST_GUARD - 1));
    CHECK(!rt_mem_is_guest(guest_base + GUEST_SPACE + GUEST_GUARD));
    CHECK(!can_read(0) && !can_read(0xffffffffu));
    CHECK(rt_mem_prot(0) == 0 && rt_mem_prot(0xffffffffu) == 0);
    /* The highest usable page can be mapped, the one above cannot. */
    CHECK(rt_mem_mmap(0xffffd000u, PG, RW, ANON | MAP_FIXED, -1, 0) == 0xffffd000u);
    CHECK(can_write(0xffffdfffu) && !can_read(0xffffe000u));
    CHECK(rt_mem_munmap(0xffffd000u, PG) == 0);
}

int main(void) {
    struct sigaction sa = {.sa_handler = on_fault};
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    if (rt_mem_init() != 0) return 1;
    test_bounds();
    test_placement();
    test_errors();
    test_fixed();
    test_mprotect();
    test_mremap();
    test_files();
    test_brk();
    test_access();
    printf("mem_test: %d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
