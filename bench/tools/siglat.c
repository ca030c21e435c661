/* Signal latency while the guest spins: a child sends SIGUSR1 to its parent 300 times, each
   2 ms after the previous one was handled (so none merges with the next), writing
   CLOCK_MONOTONIC to shared memory just before kill(); the parent, spinning in
   a loop that never enters the kernel, reads the clock in its handler. Prints the median, the
   90th percentile and the maximum of the difference. Under xrun this is the time from the host
   kernel's delivery to the next safe point (runtime/signal.c), plus building the frame.

       gcc -m32 -O2 -o siglat bench/tools/siglat.c
       ./siglat; xrun --tier=jit ./siglat; xrun ./siglat; qemu-i386 ./siglat */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N 300

struct shared {
    volatile long long sent; /* the clock at kill() */
    volatile int got;        /* signals handled */
};
static struct shared *sh;
static double lat_us[N];

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_usr1(int s)
{
    (void)s;
    if (sh->got < N) lat_us[sh->got] = (now_ns() - sh->sent) / 1000.0;
    __atomic_store_n(&sh->got, sh->got + 1, __ATOMIC_RELEASE);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) return 1;
    signal(SIGUSR1, on_usr1);
    pid_t parent = getpid(), child = fork();
    if (child == 0) {
        for (int i = 0; i < N; i++) {
            while (__atomic_load_n(&sh->got, __ATOMIC_ACQUIRE) < i) usleep(100);
            usleep(2000);
            sh->sent = now_ns();
            kill(parent, SIGUSR1);
        }
        _exit(0);
    }
    volatile unsigned x = 1;
    while (sh->got < N) x = x * 1103515245u + 12345u; /* no system call in here */
    waitpid(child, NULL, 0);
    qsort(lat_us, N, sizeof lat_us[0], cmp);
    printf("signal latency while spinning: median %.1f us, p90 %.1f us, max %.1f us\n",
           lat_us[N / 2], lat_us[N * 9 / 10], lat_us[N - 1]);
    return 0;
}
