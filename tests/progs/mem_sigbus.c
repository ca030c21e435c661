/* File mappings and the end of the file: the rest of the last page reads as zero and what is
   written there does not reach the file; pages wholly past EOF raise SIGBUS (BUS_ADRERR, exact
   si_addr), in shared and private mappings and for a mapping that starts past EOF; ftruncate
   up makes pages accessible, ftruncate down makes them fault again and zeroes the tail of the
   new last page. Recovery with sigsetjmp/siglongjmp. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(jb, 1);
}

static const char *yesno(int c) { return c ? "yes" : "no"; }

/* Reads or writes one byte; prints what happened. */
static void touch(const char *what, volatile char *p, int write)
{
    got_sig = 0;
    int v = -1;
    if (sigsetjmp(jb, 1) == 0) {
        if (write)
            *p = 'w';
        else
            v = *p;
    }
    if (got_sig)
        printf("%s: %s, si_code %s, si_addr exact: %s\n", what, got_sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
               got_code == BUS_ADRERR ? "BUS_ADRERR" : got_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other",
               yesno(got_addr == (void *)p));
    else if (write)
        printf("%s: written\n", what);
    else
        printf("%s: read %d\n", what, v);
}

static int zero_from(const char *p, long from, long to)
{
    for (long i = from; i < to; i++)
        if (p[i]) return 0;
    return 1;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    long P = sysconf(_SC_PAGESIZE);

    char path[64];
    snprintf(path, sizeof path, "/tmp/xrun-memsigbus-%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return 1;
    char data[100];
    for (int i = 0; i < 100; i++) data[i] = (char)('a' + i % 26);
    if (write(fd, data, 100) != 100) return 1;

    char *m = mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    printf("shared mapping of 3 pages over a 100-byte file: %s\n", yesno(m != MAP_FAILED));
    printf("bytes 0-99 are the file: %s, 100-end of page zero: %s\n", yesno(memcmp(m, data, 100) == 0),
           yesno(zero_from(m, 100, P)));
    m[5] = 'Q';
    m[200] = 'z';
    char buf[300];
    memset(buf, 0, sizeof buf);
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    printf("pread after writes at 5 and 200: %d bytes, byte 5 '%c'\n", (int)n, buf[5]);
    printf("file size %ld\n", (long)lseek(fd, 0, SEEK_END));
    touch("read page 1 + 8", m + P + 8, 0);
    touch("write page 2 + 4000", m + 2 * P + 4000, 1);

    if (ftruncate(fd, 2 * P)) printf("ftruncate up failed\n");
    touch("after ftruncate to 2 pages: read page 1 + 8", m + P + 8, 0);
    touch("  write page 1 + 9", m + P + 9, 1);
    touch("  read page 2", m + 2 * P, 0);
    n = pread(fd, buf, 16, P + 9);
    printf("  pread at page 1 + 9: %d bytes, first '%c'\n", (int)n, buf[0]);

    if (ftruncate(fd, 10)) printf("ftruncate down failed\n");
    touch("after ftruncate to 10 bytes: read page 1 + 9", m + P + 9, 0);
    printf("  bytes 0-9 kept: %s, bytes 10-end of page 0 now zero: %s\n",
           yesno(m[0] == 'a' && m[5] == 'Q' && m[9] == 'j'), yesno(zero_from(m, 10, P)));
    munmap(m, 3 * P);

    char *pm = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    pm[3] = 'p';
    touch("private mapping: read page 1", pm + P + 100, 0);
    touch("private mapping: write page 1", pm + P + 101, 1);
    n = pread(fd, buf, 16, 0);
    printf("private write not in the file: %s\n", yesno(n == 10 && buf[3] == 'd'));
    munmap(pm, 2 * P);

    char *past = mmap(NULL, P, PROT_READ, MAP_SHARED, fd, 4 * P);
    printf("mapping at offset 4 pages (past EOF): %s\n", yesno(past != MAP_FAILED));
    if (past != MAP_FAILED) {
        touch("  read it", past + 1, 0);
        munmap(past, P);
    }
    touch("read the unmapped first mapping", m, 0);
    close(fd);
    unlink(path);
    printf("done\n");
    return 0;
}
