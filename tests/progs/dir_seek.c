/* Directory positions in a fresh 200-entry directory: readdir/readdir64, telldir/seekdir/rewinddir, lseek on the directory fd, raw getdents, dup sharing the position. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NFILES 200
#define MAXE (NFILES + 2)

static char dir[64];
static char order[MAXE][16]; /* names in the order the first readdir pass returned them */
static long tells[MAXE + 1]; /* telldir before reading entry i (and at the end) */
static int nent;

static int cmpstr(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

/* Read the rest of the stream, comparing with order[] from index k on; returns entries read or
   -1 on a mismatch. */
static int read_from(DIR *d, int k)
{
    struct dirent *e;
    int n = 0;
    errno = 0;
    while ((e = readdir(d))) {
        if (k + n >= nent || strcmp(e->d_name, order[k + n])) return -1;
        n++;
    }
    if (errno) printf("readdir errno %d\n", errno);
    return n;
}

static void pass_readdir(void)
{
    DIR *d = opendir(dir);
    if (!d) { printf("opendir failed %d\n", errno); return; }
    struct dirent *e;
    int neg = 0;
    nent = 0;
    errno = 0;
    for (;;) {
        long t = telldir(d);
        if (t < 0) neg++;
        if (!(e = readdir(d))) { tells[nent] = t; break; }
        if (nent < MAXE) { tells[nent] = t; snprintf(order[nent], sizeof order[0], "%.15s", e->d_name); }
        nent++;
    }
    printf("readdir: %d entries, errno %d, negative telldir %d\n", nent, errno, neg);
    if (nent > MAXE) nent = MAXE;

    int dups = 0;
    for (int i = 0; i < nent; i++)
        for (int j = i + 1; j < nent; j++) dups += tells[i] == tells[j];
    printf("distinct positions: %s\n", dups ? "no" : "yes");

    char sorted[MAXE][16];
    memcpy(sorted, order, sizeof sorted);
    qsort(sorted, (size_t)nent, sizeof sorted[0], cmpstr);
    printf("sorted: %s %s %s ... %s %s\n", sorted[0], sorted[1], sorted[2], sorted[nent - 2],
           sorted[nent - 1]);
    unsigned h = 0;
    for (int i = 0; i < nent; i++)
        for (const char *s = sorted[i]; *s; s++) h = h * 31 + (unsigned char)*s;
    printf("names hash %08x\n", h);

    static const int ks[] = {0, 1, 2, 57, 123, 150, 199, 200, 201, 202};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        int k = ks[i];
        if (k > nent) continue;
        seekdir(d, tells[k]);
        long t = telldir(d);
        int n = read_from(d, k);
        printf("seekdir to #%d: telldir same %d, read %d (expect %d)\n", k, t == tells[k], n,
               nent - k);
    }
    /* Backwards and repeated seeks. */
    int ok = 1;
    for (int k = nent - 1; k >= 0; k -= 7) {
        seekdir(d, tells[k]);
        e = readdir(d);
        ok &= e && !strcmp(e->d_name, order[k]);
    }
    printf("backward seeks ok %d\n", ok);

    rewinddir(d);
    long t0 = telldir(d);
    printf("rewinddir: telldir %ld, read %d\n", t0, read_from(d, 0));
    for (int r = 0; r < 20; r++) rewinddir(d), read_from(d, 0);
    rewinddir(d);
    printf("after 20 more passes: read %d\n", read_from(d, 0));

    int fd = dirfd(d);
    errno = 0;
    long l = (long)lseek(fd, tells[100], SEEK_SET);
    printf("lseek to telldir #100: same %d errno %d\n", l == tells[100], errno);
    l = (long)lseek(fd, 0, SEEK_CUR);
    printf("lseek cur: same %d\n", l == tells[100]);
    closedir(d);
}

static void pass_readdir64(void)
{
    DIR *d = opendir(dir);
    struct dirent64 *e;
    long t64[MAXE + 1];
    int n = 0, fits = 1, match = 1;
    for (;;) {
        long t = telldir(d);
        if (!(e = readdir64(d))) { t64[n < MAXE ? n : MAXE] = t; break; }
        if (e->d_off < 0 || e->d_off > INT32_MAX) fits = 0;
        if (n < nent && strcmp(e->d_name, order[n])) match = 0;
        if (n < MAXE) t64[n] = t;
        n++;
    }
    printf("readdir64: %d entries, same order %d, d_off fits 31 bits %d\n", n, match, fits);
    if (n > MAXE) n = MAXE;
    int ok = 1;
    for (int k = 0; k < n; k += 13) {
        seekdir(d, t64[k]);
        e = readdir64(d);
        ok &= e && !strcmp(e->d_name, order[k]);
        ok &= telldir(d) == t64[k + 1];
    }
    printf("readdir64 seeks ok %d\n", ok);
    closedir(d);
}

/* struct linux_dirent of the getdents syscall. */
struct old_dirent {
    unsigned long d_ino, d_off;
    unsigned short d_reclen;
    char d_name[];
};

static void pass_raw(void)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char buf[1024];
    int n = 0, fits = 1, batches = 0;
    long first_off = -1;
    for (;;) {
        long r = syscall(SYS_getdents, fd, buf, sizeof buf);
        if (r <= 0) { if (r < 0) printf("getdents errno %d\n", errno); break; }
        batches++;
        for (long p = 0; p < r;) {
            struct old_dirent *e = (struct old_dirent *)(buf + p);
            if (e->d_off > INT32_MAX) fits = 0;
            if (n == 9) first_off = (long)e->d_off;
            n++;
            p += e->d_reclen;
        }
    }
    printf("getdents: %d entries, several batches %d, d_off fits %d\n", n, batches > 1, fits);

    /* Position after the 10th entry, then a dup shares the position. */
    errno = 0;
    printf("lseek to 10th d_off: same %d\n", lseek(fd, first_off, SEEK_SET) == first_off);
    int fd2 = dup(fd);
    printf("dup sees position: %d\n", lseek(fd2, 0, SEEK_CUR) == first_off);
    long r = syscall(SYS_getdents64, fd2, buf, 64);
    printf("getdents64 after dup: %d\n", r > 0);
    printf("positions agree: %d\n", lseek(fd, 0, SEEK_CUR) == lseek(fd2, 0, SEEK_CUR));
    int rest = 0;
    lseek(fd2, first_off, SEEK_SET);
    while ((r = syscall(SYS_getdents64, fd2, buf, sizeof buf)) > 0)
        for (long p = 0; p < r; p += ((struct dirent64 *)(buf + p))->d_reclen) rest++;
    printf("entries after the 10th: %d\n", rest);
    close(fd2);
    long l0 = (long)lseek(fd, 0, SEEK_SET);
    printf("lseek 0: %ld, cur %ld\n", l0, (long)lseek(fd, 0, SEEK_CUR));
    close(fd);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/xrun-dirseek-%d", (int)getpid());
    if (mkdir(dir, 0700) != 0) { perror("mkdir"); return 1; }
    char p[128];
    for (int i = 0; i < NFILES; i++) {
        snprintf(p, sizeof p, "%s/f%03d", dir, i);
        int fd = open(p, O_CREAT | O_WRONLY, 0600);
        if (fd < 0) { perror("create"); return 1; }
        close(fd);
    }
    pass_readdir();
    pass_readdir64();
    pass_raw();
    for (int i = 0; i < NFILES; i++) {
        snprintf(p, sizeof p, "%s/f%03d", dir, i);
        unlink(p);
    }
    printf("rmdir %d\n", rmdir(dir));
    return 0;
}
