/* mremap: grow in place, refuse to grow into a neighbour, shrink, move with MREMAP_MAYMOVE and
   MREMAP_FIXED, error cases; MAP_FIXED over existing mappings; a shared mapping duplicated with
   old_size 0. Everything happens inside a region reserved with PROT_NONE, and after each step
   the program prints what every page of the region holds: the letter its bytes were filled with,
   '0' for a zero page, '-' for a page that cannot be read (unmapped or PROT_NONE). Whether a
   page is readable is asked from the kernel (write() from it into a pipe fails with EFAULT),
   so nothing here needs a signal handler. Addresses are printed relative to the region. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NPAGES 24
static long P;
static char *base;
static int probe_pipe[2];

static const char *yesno(int c) { return c ? "yes" : "no"; }

static int readable(const char *p)
{
    ssize_t n = write(probe_pipe[1], p, 1);
    if (n == 1) {
        char c;
        if (read(probe_pipe[0], &c, 1) != 1) return 0;
        return 1;
    }
    return 0;
}

static char page_char(const char *p)
{
    if (!readable(p)) return '-';
    char c = p[0];
    for (long i = 1; i < P; i++)
        if (p[i] != c) return '?';
    return c == 0 ? '0' : c;
}

static void layout(const char *what)
{
    char s[NPAGES + 1];
    for (int i = 0; i < NPAGES; i++) s[i] = page_char(base + i * P);
    s[NPAGES] = 0;
    printf("%-44s %s\n", what, s);
}

static void fill(char *p, long pages, char c) { memset(p, c, pages * P); }

static const char *where(void *p)
{
    static char buf[32];
    if (p == MAP_FAILED) return "MAP_FAILED";
    intptr_t d = (char *)p - base;
    if (d >= 0 && d < NPAGES * P && d % P == 0) {
        snprintf(buf, sizeof buf, "page %d", (int)(d / P));
        return buf;
    }
    return d >= 0 && d < NPAGES * P ? "inside, unaligned" : "outside the region";
}

static void show(const char *what, void *r)
{
    printf("%s = %s", what, where(r));
    if (r == MAP_FAILED) printf(" errno %d", errno);
    printf("\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    P = sysconf(_SC_PAGESIZE);
    if (pipe(probe_pipe)) return 1;
    printf("page size %ld\n", P);
    base = mmap(NULL, NPAGES * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return 1;
    layout("reserved (PROT_NONE)");

    /* A: pages 0-1, B: 4-5, C: 8-9, D: 12-15, each MAP_FIXED over the reservation */
    const int at[] = {0, 4, 8, 12}, len[] = {2, 2, 2, 4};
    for (int k = 0; k < 4; k++) {
        char *p = mmap(base + at[k] * P, len[k] * P, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != base + at[k] * P) printf("MAP_FIXED %c at page %d: %s\n", 'A' + k, at[k], where(p));
    }
    layout("MAP_FIXED A B C D over it");
    for (int k = 0; k < 4; k++) fill(base + at[k] * P, len[k], (char)('A' + k));
    layout("filled");
    /* holes: 2-3, 6-7, 10-11 */
    munmap(base + 2 * P, 2 * P);
    munmap(base + 6 * P, 2 * P);
    munmap(base + 10 * P, 2 * P);
    layout("holes unmapped");

    errno = 0;
    void *r = mremap(base, 2 * P, 4 * P, 0);
    show("grow A 2->4 pages in place", r);
    layout("");
    printf("new pages zero: %s\n", yesno(r == base && base[3 * P + 7] == 0 && base[2 * P] == 0));
    if (r != base) /* so that one failure does not change every later step: A as it should be */
        mmap(base + 2 * P, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    errno = 0;
    show("grow A 4->5 pages without MREMAP_MAYMOVE (B in the way)", mremap(base, 4 * P, 5 * P, 0));
    layout("");
    show("shrink A 4->1 page", mremap(base, 4 * P, 1 * P, 0));
    layout("");

    char *b = base + 4 * P;
    errno = 0;
    char *nb = mremap(b, 2 * P, 6 * P, MREMAP_MAYMOVE);
    show("grow B 2->6 pages with MREMAP_MAYMOVE", nb);
    layout("");
    if (nb != MAP_FAILED) {
        int ok = 1;
        for (long i = 0; i < 2 * P; i++) ok &= nb[i] == 'B';
        for (long i = 2 * P; i < 6 * P; i++) ok &= nb[i] == 0;
        printf("moved B: 2 pages of 'B' then 4 zero pages: %s\n", yesno(ok));
        memset(nb, 'b', 6 * P);
        show("move it back with MREMAP_FIXED to page 4, shrinking to 2", mremap(nb, 6 * P, 2 * P,
                                                                               MREMAP_MAYMOVE | MREMAP_FIXED, b));
        printf("old place of the moved B readable: %s\n", yesno(readable(nb)));
        layout("");
    }

    errno = 0;
    show("move C onto D's first 2 pages (MREMAP_FIXED)",
         mremap(base + 8 * P, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, base + 12 * P));
    layout("");

    errno = 0;
    show("MREMAP_FIXED without MREMAP_MAYMOVE", mremap(base + 12 * P, P, P, MREMAP_FIXED, base + 20 * P));
    errno = 0;
    show("unaligned old address", mremap(base + 12 * P + 1, P, 2 * P, MREMAP_MAYMOVE));
    errno = 0;
    show("new size 0", mremap(base + 12 * P, P, 0, MREMAP_MAYMOVE));
    errno = 0;
    show("MREMAP_FIXED onto an overlapping range",
         mremap(base + 12 * P, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, base + 13 * P));
    errno = 0;
    show("old range not mapped", mremap(base + 10 * P, P, 2 * P, MREMAP_MAYMOVE));
    errno = 0;
    show("bad flags", mremap(base + 12 * P, P, P, 0x80));
    layout("after the errors (unchanged)");

    /* MAP_FIXED over the middle of an existing mapping */
    char *mid = mmap(base + 15 * P, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    show("MAP_FIXED one page over D's last page", mid);
    layout("");
    char *ro = mmap(base + 16 * P, 3 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    show("MAP_FIXED 3 read-only pages over the reservation", ro);
    layout("");

    /* a shared anonymous mapping duplicated with old_size 0: both see the same pages */
    char *sh = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    errno = 0;
    char *dup = mremap(sh, 0, 2 * P, MREMAP_MAYMOVE);
    printf("duplicate a shared mapping (old_size 0): %s errno %d\n",
           dup == MAP_FAILED ? "failed" : dup == sh ? "same address" : "new address", dup == MAP_FAILED ? errno : 0);
    if (dup != MAP_FAILED && dup != sh) {
        strcpy(sh + P, "written through the first");
        strcpy(dup, "written through the second");
        printf("  second sees '%s', first sees '%s'\n", dup + P, sh);
    }
    char *pr = mmap(NULL, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = 0;
    char *dup2 = mremap(pr, 0, P, MREMAP_MAYMOVE);
    printf("duplicate a private mapping (old_size 0): %s errno %d\n", dup2 == MAP_FAILED ? "failed" : "new address",
           dup2 == MAP_FAILED ? errno : 0);

    munmap(base, NPAGES * P);
    layout("region unmapped");
    printf("done\n");
    return 0;
}
