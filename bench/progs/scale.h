/* Workload size for the bench kernels: argv[1] is a percentage of the default (100 when
 * absent or not positive), so bench/run --scale and --quick can shrink every kernel alike. */
#ifndef XRUN_BENCH_PROGS_SCALE_H_
#define XRUN_BENCH_PROGS_SCALE_H_

#include <stdlib.h>

/* n scaled by argv[1] percent, at least 1. */
static long scaled(int argc, char **argv, long n)
{
    long pct = argc > 1 ? atol(argv[1]) : 100;
    n = n * (pct > 0 ? pct : 100) / 100;
    return n > 0 ? n : 1;
}

#endif
