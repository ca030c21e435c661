/* Workload size for the bench kernels: argv[1] is a percentage of the default (100 when
 * absent or not positive), so bench/run --scale and --quick can shrink every kernel alike. */
#ifndef XRUN_BENCH_PROGS_SCALE_H_
#define XRUN_BENCH_PROGS_SCALE_H_

#include <stdlib.h>

/* n scaled by argv[1] percent, at least 1. The product is 64-bit: long is 32 bits on i386, and
 * 30000000 x 100 would overflow it. */
static long scaled(int argc, char **argv, long n)
{
    long long pct = argc > 1 ? atoll(argv[1]) : 100;
    long long r = (long long)n * (pct > 0 ? pct : 100) / 100;
    return r < 1 ? 1 : r > 0x7fffffff ? 0x7fffffff : (long)r;
}

#endif
