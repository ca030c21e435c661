/* CPU-bound threads: argv[1] threads (1 to 8), each doing the same fixed amount of independent
   integer work on its own memory (a PRNG fill, shell sorts, a hash), no shared writes and no
   locks until the join. On 2 cores the 2-thread run does twice the work in about the time of
   the 1-thread run: bench/run prints the throughput ratio 2 * t(1) / t(2). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 16384
static long rounds = 250; /* argv[2]: percent of this */

struct job {
    uint32_t seed, result;
    char pad[56]; /* own cache line */
};

static void *work(void *arg)
{
    struct job *j = arg;
    uint32_t *a = malloc(N * sizeof *a);
    if (!a) abort();
    uint32_t x = j->seed, h = 2166136261u;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < N; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            a[i] = x;
        }
        for (int gap = N / 2; gap > 0; gap /= 2)
            for (int i = gap; i < N; i++) {
                uint32_t v = a[i];
                int k = i;
                while (k >= gap && a[k - gap] > v) {
                    a[k] = a[k - gap];
                    k -= gap;
                }
                a[k] = v;
            }
        for (int i = 0; i < N; i += 7) h = (h ^ a[i]) * 16777619u;
    }
    free(a);
    j->result = h;
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 1 || n > 8) {
        fprintf(stderr, "usage: threads [1-8 [PERCENT]]\n");
        return 2;
    }
    if (argc > 2 && atol(argv[2]) > 0) {
        rounds = rounds * atol(argv[2]) / 100;
        if (rounds < 1) rounds = 1;
    }
    static struct job jobs[8] __attribute__((aligned(64)));
    pthread_t t[8];
    for (int i = 0; i < n; i++) {
        jobs[i].seed = 0x9e3779b9u * (uint32_t)(i + 1);
        if (pthread_create(&t[i], NULL, work, &jobs[i])) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < n; i++) printf("thread %d: %08x\n", i, jobs[i].result);
    return 0;
}
