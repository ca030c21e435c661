/* Clocks work and move forward; the values themselves are never printed. */
#include <stdio.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static double ts(struct timespec t) { return (double)t.tv_sec + t.tv_nsec * 1e-9; }

int main(void)
{
    struct timespec a, b, r;
    printf("monotonic %d\n", clock_gettime(CLOCK_MONOTONIC, &a));
    volatile unsigned x = 0;
    for (unsigned i = 0; i < 1000000; i++) x += i;
    printf("monotonic again %d\n", clock_gettime(CLOCK_MONOTONIC, &b));
    printf("non-negative %d\n", ts(b) - ts(a) >= 0);
    printf("nsec in range %d\n", a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    int rc = clock_gettime(CLOCK_REALTIME, &r);
    printf("realtime %d plausible %d\n", rc, r.tv_sec > 1500000000);
    printf("process cputime %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a));
    printf("getres %d\n", clock_getres(CLOCK_MONOTONIC, &a));
    struct timeval tv;
    rc = gettimeofday(&tv, NULL);
    printf("gettimeofday %d usec in range %d\n", rc, tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    time_t t = time(NULL);
    printf("time plausible %d close to realtime %d\n", t > 1500000000, t - r.tv_sec < 1000);
    struct tms tm;
    printf("times ok %d\n", times(&tm) != (clock_t)-1);
    printf("clock ok %d\n", clock() != (clock_t)-1);
    struct timespec req = {0, 1000000};
    printf("nanosleep %d\n", nanosleep(&req, NULL));
    printf("sizeof(time_t)=%zu\n", sizeof(time_t));
    /* Calendar conversion with a fixed input is deterministic. */
    time_t fixed = 1000000000;
    struct tm g;
    gmtime_r(&fixed, &g);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %A %j", &g);
    printf("gmtime %s\n", buf);
    g.tm_year = 124; g.tm_mon = 1; g.tm_mday = 29; g.tm_hour = 12; g.tm_min = 0; g.tm_sec = 0;
    printf("timegm %lld\n", (long long)timegm(&g));
    return 0;
}
