/* Tier-up policy (runtime/tierup.h): the cost model.
 *
 * The constants are CPU-time measurements on the development machine (a
 * loaded 2-core x86-64; release build; `--stats` prints the same figures
 * for any run, see docs/tierup.md for the sweep that set the defaults):
 *   - interpreting costs about 1.4 ns per IR instruction of a block plus
 *     the dispatcher's turn (python3.11 bench/python/mix.py 30: 57 ns a
 *     run, 27 IR instructions); compiled code runs the same block in a
 *     small fraction of that, and skips the dispatcher only when chained
 *     to another compiled block, so the saving per run is taken as
 *     SAVE_PS_PER_IR per IR instruction plus SAVE_PS_PER_RUN;
 *   - a block's LLVM compile costs COMPILE_NS_FIXED plus COMPILE_NS_PER_IR
 *     per IR instruction. Blocks are compiled in batches, one LLVM module
 *     each, with the fast code generator (-O0): a fit over 71 batches of
 *     strsort 10 (XRUN_TIER_TRACE, quiet machine) gave 1.53 ms per module,
 *     72 us per block and 7.5 us per IR instruction; COMPILE_NS_FIXED
 *     counts a module per 8 blocks;
 *   - a region (runtime/region.c, one function at -O1) costs
 *     REGION_NS_FIXED plus REGION_NS_PER_IR per IR instruction (`--stats`
 *     regions line: 26-34 ms for 60-75 guest instructions);
 *   - loading and initializing LLVM (dlopen, relocation, the JIT) costs
 *     START_NS once.
 */
#include "runtime/tierup.h"

#include <time.h>

#include "runtime/opts.h"

#define SAVE_PS_PER_IR 1500u
#define SAVE_PS_PER_RUN 10000u
#define COMPILE_NS_FIXED 264000u
#define COMPILE_NS_PER_IR 7500u
#define REGION_NS_FIXED 2000000u
#define REGION_NS_PER_IR 70000u
#define START_NS 75000000u

uint64_t rt_tier_compile_ns(uint32_t n)
{
    return COMPILE_NS_FIXED + (uint64_t)COMPILE_NS_PER_IR * n;
}

uint64_t rt_tier_start_ns(void) { return START_NS; }

uint64_t rt_tier_region_ns(uint32_t n)
{
    return REGION_NS_FIXED + (uint64_t)REGION_NS_PER_IR * n;
}

uint64_t rt_tier_region_at(uint32_t n)
{
    uint64_t per_run = SAVE_PS_PER_RUN + (uint64_t)SAVE_PS_PER_IR * n;
    double at = rt_opts.jit_save * 1000.0 * (double)rt_tier_region_ns(n) / (double)per_run;
    return (uint64_t)at + 1;
}

uint64_t rt_tier_saving_ns(uint64_t execs, uint32_t n)
{
    return execs * (SAVE_PS_PER_RUN + (uint64_t)SAVE_PS_PER_IR * n) / 1000u;
}

uint32_t rt_tier_hot_at(uint32_t n)
{
    /* execs * save(n) >= jit_save * compile(n), in ps per run. */
    double per_run = SAVE_PS_PER_RUN + (double)SAVE_PS_PER_IR * n;
    double at = rt_opts.jit_save * 1000.0 * (double)rt_tier_compile_ns(n) / per_run;
    if (at > (double)(1u << 30)) return 1u << 30; /* never, in practice */
    uint32_t a = (uint32_t)at;
    if ((double)a < at) a++;
    return a < rt_opts.hot ? rt_opts.hot : a;
}

static uint64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t rt_cpu_ns_process(void) { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }
uint64_t rt_cpu_ns_thread(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }
