/* Unit test of the tier-up cost model (runtime/tierup.c): the execution
 * count at which a block is queued is the first one where the predicted
 * saving reaches XRUN_JIT_SAVE times the compile cost, never below
 * XRUN_HOT; it grows with XRUN_JIT_SAVE; and a block with more work per run
 * is queued no later than a smaller one. The CPU clocks it budgets with
 * advance with work. */
#include "runtime/tierup.h"

#include <stdio.h>

#include "runtime/opts.h"

#include "tests/unit/check.h"

static const uint32_t sizes[] = {1, 2, 5, 10, 20, 40, 80, 200, 1000, 3000};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* The break-even rule of runtime/tierup.h, in doubles. */
static int worth(uint64_t execs, uint32_t n)
{
    return (double)rt_tier_saving_ns(execs, n) >=
           rt_opts.jit_save * (double)rt_tier_compile_ns(n) - 1.0; /* rounding */
}

static void check_threshold(void)
{
    const double saves[] = {0.25, 1, 4};
    for (unsigned k = 0; k < 3; k++) {
        rt_opts.jit_save = saves[k];
        for (unsigned i = 0; i < NSIZES; i++) {
            uint32_t n = sizes[i], at = rt_tier_hot_at(n);
            CHECK(at >= rt_opts.hot);
            CHECK(worth(at, n));
            /* Not worth it one run earlier, unless the floor decided. */
            CHECK(at == rt_opts.hot || (double)rt_tier_saving_ns(at - 1, n) <
                                           rt_opts.jit_save * (double)rt_tier_compile_ns(n));
        }
    }
}

static void check_monotone(void)
{
    rt_opts.jit_save = 1;
    for (unsigned i = 0; i < NSIZES; i++) {
        uint32_t n = sizes[i];
        rt_opts.jit_save = 0.5;
        uint32_t lo = rt_tier_hot_at(n);
        rt_opts.jit_save = 2;
        uint32_t hi = rt_tier_hot_at(n);
        CHECK(lo <= hi);
        rt_opts.jit_save = 0;
        CHECK(rt_tier_hot_at(n) == rt_opts.hot);
        rt_opts.jit_save = 1;
        if (i) CHECK(rt_tier_hot_at(n) <= rt_tier_hot_at(sizes[i - 1]));
    }
    /* Huge factors saturate instead of wrapping. */
    rt_opts.jit_save = 1e12;
    CHECK(rt_tier_hot_at(1) >= (1u << 30));
    rt_opts.jit_save = 1;
}

static void check_clocks(void)
{
    uint64_t t0 = rt_cpu_ns_thread(), p0 = rt_cpu_ns_process();
    volatile uint64_t x = 1;
    while (rt_cpu_ns_thread() - t0 < 2000000u) x = x * 6364136223846793005ull + 1;
    CHECK(rt_cpu_ns_thread() - t0 >= 2000000u);
    CHECK(rt_cpu_ns_process() - p0 >= 1000000u); /* the process clock lags a little */
}

int main(void)
{
    check_threshold();
    rt_opts.hot = 1000;
    check_threshold();
    rt_opts.hot = 50;
    check_monotone();
    check_clocks();
    printf("tierup: %d passed, %d failed\n", npass, nfail);
    return nfail != 0;
}
