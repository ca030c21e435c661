/* Tier-up policy (auto mode): when a block is worth compiling, and how
 * much CPU time the compiler thread may spend.
 *
 * A block is queued for compilation when the time it has already saved
 * nothing but would have saved compiled, predicted to repeat (a block that
 * ran N times is expected to run about N times more), outweighs what
 * compiling it costs:
 *
 *     execs * save_ns(n)  >=  jit_save * compile_ns(n)      (n = IR size)
 *
 * save_ns is the interpreter's cost per run minus compiled code's, both
 * roughly linear in the IR size; compile_ns is a fixed cost plus a cost per
 * IR instruction. Both are measured (numbers in runtime/tierup.c). The
 * execution count where this holds is fixed per block when it is
 * translated (TB.hot_at, never below XRUN_HOT), so the dispatcher's check
 * stays one compare.
 *
 * The compiler is budgeted: its CPU time may not exceed jit_budget percent
 * of the guest threads' CPU time so far (plus a small allowance), so a
 * startup-heavy program that keeps finding new warm code (python, shell
 * scripts) cannot spend more on compiles than a bounded share of its run.
 * While over budget the compiler sleeps; meanwhile the queue keeps its
 * hottest blocks first and drops those that have gone cold (runtime/jitq.c).
 *
 * The compiler thread (and LLVM) starts only once the queued blocks
 * promise to save more than loading LLVM costs, so a short program never
 * pays for it.
 */
#ifndef XRUN_RUNTIME_TIERUP_H_
#define XRUN_RUNTIME_TIERUP_H_

#include <stdbool.h>
#include <stdint.h>

/* The execution count at which a new block of n IR instructions is queued. */
uint32_t rt_tier_hot_at(uint32_t n);
/* Estimated saving, in ns, of compiling a block of n IR instructions that
 * has run execs times (as much again to come). */
uint64_t rt_tier_saving_ns(uint64_t execs, uint32_t n);
/* Estimated compile cost (CPU ns) of n IR instructions; and of starting
 * LLVM at all. */
uint64_t rt_tier_compile_ns(uint32_t n);
uint64_t rt_tier_start_ns(void);
/* Estimated compile cost (CPU ns) of a region of n IR instructions in all,
 * and the runs of its entry after which it pays for itself. */
uint64_t rt_tier_region_ns(uint32_t n);
uint64_t rt_tier_region_at(uint32_t n);
/* CPU time of the whole process and of the calling thread, in ns. */
uint64_t rt_cpu_ns_process(void);
uint64_t rt_cpu_ns_thread(void);

#endif
