/* The dispatcher loop and the code cache. */
#ifndef XRUN_RUNTIME_DISPATCH_H_
#define XRUN_RUNTIME_DISPATCH_H_

#include <stdint.h>

#include "ir/ir.h"
#include "runtime/cpu.h"

/* Run the guest from env->eip forever (exit happens through rt_exit). */
_Noreturn void rt_run(CPUState *env);
/* Drop every translation (rt_set_precise). */
void rt_code_flush(void);
/* Drop the translations whose guest code overlaps [addr, addr+len), with
 * the links and jump-cache entries that lead to them; their memory is
 * freed once no thread can be running it (runtime/epoch.h). */
void rt_code_invalidate(uint32_t addr, uint32_t len);
/* Take / release every lock of the code cache (translation, install,
 * compile), so that a fork's child finds them free (runtime/thread.h). */
void rt_code_lock_all(void);
void rt_code_unlock_all(void);
/* Enter precise mode (runtime/signal.h: rt_precise) for good: drop every
 * translation so that new ones are built precise. Idempotent. */
void rt_set_precise(void);
/* Print --stats (if enabled) and exit with status. */
_Noreturn void rt_exit(int status);

/* Counters for --stats, per thread (rt_thread_stats_sum adds them up). */
typedef struct RtStats {
    uint64_t blocks_translated, insns_lifted, ir_insts;
    uint64_t interp_runs, jit_runs, dispatcher_returns, chain_patches;
    uint64_t jit_compiles, jit_failures, jit_ns, translate_ns;
    uint64_t syscalls, flushes;
    /* Range invalidations that dropped something, blocks dropped in all,
     * write faults on write-protected code pages. */
    uint64_t invalidations, blocks_dropped, code_write_faults;
    /* --stats only: TSC ticks spent interpreting, in compiled code and in
     * system calls (the dispatcher's own share is the rest). */
    uint64_t interp_ticks, jit_ticks, syscall_ticks;
    /* Tier-up (runtime/jitq.c, the compiler thread's): CPU ns spent
     * compiling, loading LLVM, and sleeping over budget (wall); IR
     * instructions compiled; blocks queued, and dropped from the queue cold;
     * batches taken (each one LLVM module, or regions). */
    uint64_t jit_cpu_ns, jit_start_ns, jit_wait_ns, jit_ir;
    uint64_t jit_queued, jit_cold, jit_batches;
    /* Block exits by IrExitKind, of interpreted and of compiled code. */
    uint64_t exits_interp[IR_EXIT__COUNT], exits_jit[IR_EXIT__COUNT];
} RtStats;
extern _Thread_local RtStats rt_stats;

#endif
