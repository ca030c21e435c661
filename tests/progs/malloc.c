/* A malloc-heavy workload: many small blocks (brk heap) and large ones (mmap threshold), realloc
   chains, calloc zeroing; results are checksums, never addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t st = 2463534242u;
static uint32_t xs(void) { st ^= st << 13; st ^= st >> 17; st ^= st << 5; return st; }

int main(void)
{
    enum { SLOTS = 4096 };
    static unsigned char *slot[SLOTS];
    static size_t len[SLOTS];
    uint32_t sum = 0;
    void *brk0 = sbrk(0);
    for (int round = 0; round < 60000; round++) {
        int i = (int)(xs() % SLOTS);
        if (slot[i]) {
            for (size_t k = 0; k < len[i]; k += 61) sum += slot[i][k];
            free(slot[i]);
            slot[i] = NULL;
        } else {
            size_t n = (xs() % 16 == 0) ? 100000 + xs() % 300000 : 1 + xs() % 512;
            slot[i] = malloc(n);
            if (!slot[i]) { printf("malloc failed\n"); return 1; }
            len[i] = n;
            memset(slot[i], (int)(n & 0xff), n);
        }
    }
    for (int i = 0; i < SLOTS; i++) free(slot[i]);
    printf("checksum %08x\n", sum);
    printf("heap grew %d\n", sbrk(0) != brk0);

    /* realloc growth chain with content checks. */
    char *s = NULL;
    size_t n = 0;
    int ok = 1;
    for (int i = 0; i < 2000; i++) {
        s = realloc(s, n + 300);
        for (int k = 0; k < 300; k++) s[n + k] = (char)(i + k);
        n += 300;
        ok &= s[0] == 0 && s[n - 1] == (char)(i + 299);
    }
    printf("realloc grew to %zu ok %d\n", n, ok);
    s = realloc(s, 10);
    printf("shrink keeps %d\n", s[9] == 9);
    free(s);

    int *z = calloc(100000, sizeof *z);
    long zs = 0;
    for (int i = 0; i < 100000; i++) zs += z[i];
    printf("calloc zero sum %ld\n", zs);
    free(z);
    void *al = aligned_alloc(4096, 8192);
    printf("aligned %d\n", ((uintptr_t)al & 4095) == 0);
    free(al);
    void *pm = NULL;
    int rc = posix_memalign(&pm, 64, 1000);
    printf("posix_memalign %d aligned %d\n", rc, ((uintptr_t)pm & 63) == 0);
    free(pm);
    volatile size_t hugesz = 0xF0000000u; /* 3.75 GiB cannot fit next to the program and stack */
    void *huge = malloc(hugesz);
    printf("huge fails %d\n", huge == NULL);
    return 0;
}
