/* mmap/munmap/mprotect/mremap: anonymous and file mappings, shared write-back, partial unmaps. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    printf("pagesize %ld\n", pg);
    unsigned char *a = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anon ok %d aligned %d zero %d\n", a != MAP_FAILED, ((unsigned long)a % pg) == 0,
           a[0] == 0 && a[16 * pg - 1] == 0);
    for (long i = 0; i < 16 * pg; i++) a[i] = (unsigned char)(i * 13);
    unsigned s = 0;
    for (long i = 0; i < 16 * pg; i += 7) s += a[i];
    printf("sum %u\n", s);
    printf("munmap middle %d\n", munmap(a + 4 * pg, 4 * pg));
    printf("tail intact %d\n", a[12 * pg] == (unsigned char)(12 * pg * 13));
    printf("mprotect ro %d\n", mprotect(a, 4 * pg, PROT_READ));
    printf("read after ro %u\n", a[5]);
    printf("mprotect rw %d\n", mprotect(a, 4 * pg, PROT_READ | PROT_WRITE));
    a[5] = 99;
    printf("write after rw %u\n", a[5]);
    /* Re-map into the hole with MAP_FIXED. */
    unsigned char *h = mmap(a + 4 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed ok %d same %d zero %d\n", h != MAP_FAILED, h == a + 4 * pg, h[10] == 0);
    /* Grow with mremap. */
    unsigned char *g = mremap(a + 12 * pg, 4 * pg, 64 * pg, MREMAP_MAYMOVE);
    printf("mremap ok %d kept %d\n", g != MAP_FAILED, g[0] == (unsigned char)(12 * pg * 13));
    g[63 * pg] = 1;
    munmap(g, 64 * pg);
    munmap(a, 4 * pg);
    munmap(h, pg);

    /* A file mapping: shared writes reach the file, private writes do not. */
    char name[64];
    snprintf(name, sizeof name, "/tmp/xrun-mmap-%d", (int)getpid());
    int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0600);
    ftruncate(fd, 2 * pg);
    write(fd, "file contents here", 18);
    char *f = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("file map [%.18s]\n", f);
    memcpy(f + 5, "CONTENTS", 8);
    msync(f, 2 * pg, MS_SYNC);
    char buf[32] = {0};
    pread(fd, buf, 18, 0);
    printf("shared write-back [%s]\n", buf);
    char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    p[0] = 'F';
    pread(fd, buf, 4, 0);
    printf("private copy [%.4s] file [%.4s]\n", p, buf);
    char *off = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg); /* page offset */
    printf("offset map zero %d\n", off[0] == 0);
    munmap(off, pg);
    munmap(p, pg);
    munmap(f, 2 * pg);
    close(fd);
    unlink(name);

    errno = 0;
    void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("zero-length %d einval %d\n", bad == MAP_FAILED, errno == EINVAL);
    errno = 0;
    bad = mmap(NULL, pg, PROT_READ, MAP_SHARED, 12345, 0);
    printf("bad fd %d ebadf %d\n", bad == MAP_FAILED, errno == EBADF);
    return 0;
}
