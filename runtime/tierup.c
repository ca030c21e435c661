/* Tier-up policy (runtime/tierup.h): the cost model.
 *
 * The constants are CPU-time measurements on the development machine (a
 * loaded 2-core x86-64; release build; `--stats` prints the same figures
 * for any run, see docs/tierup.md for the sweep that set the defaults):
 *   - interpreting costs about INTERP_PS_PER_IR per IR instruction of a
 *     block, plus the dispatcher's turn; compiled code runs the same block
 *     in a small fraction of that, and chained blocks skip the dispatcher,
 *     so the saving per run is taken as SAVE_PS_PER_IR per IR instruction
 *     plus SAVE_PS_PER_RUN;
 *   - an LLVM compile costs COMPILE_NS_FIXED (code generator set-up,
 *     linking) plus COMPILE_NS_PER_IR per IR instruction;
 *   - loading and initializing LLVM (dlopen, relocation, the JIT) costs
 *     START_NS once.
 */
#include "runtime/tierup.h"

#include <time.h>

#include "runtime/opts.h"

#define SAVE_PS_PER_IR 3000u
#define SAVE_PS_PER_RUN 30000u
#define COMPILE_NS_FIXED 4500000u
#define COMPILE_NS_PER_IR 25000u
#define START_NS 75000000u

uint64_t rt_tier_compile_ns(uint32_t n)
{
    return COMPILE_NS_FIXED + (uint64_t)COMPILE_NS_PER_IR * n;
}

uint64_t rt_tier_start_ns(void) { return START_NS; }

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
