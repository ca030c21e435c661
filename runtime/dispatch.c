/* The dispatcher: find or make a translation for eip, run it, act on why
 * it stopped, repeat.
 *
 * Translations (TB) live in the translation cache (runtime/tcache.c). A
 * TB starts as an optimized IrBlock prepared for the interpreter (tier 0).
 * In auto mode, a TB that has run XRUN_HOT times is compiled by LLVM (tier
 * 1); in jit mode every TB is compiled before it first runs; in interp
 * mode never.
 *
 * Chaining: a compiled block's constant-target exits tail-call through the
 * TB's chain[] slots. A slot starts NULL (the exit returns here); when the
 * dispatcher sees a compiled block leave through slot k (env->last_chain
 * names the block's slot array) and the target has compiled code, it
 * patches the slot, so from then on that edge never comes back here.
 * Interpreted blocks cache their successor TB per slot to skip the hash.
 * Both are links the cache clears when either end is dropped. Other
 * lookups go through a small per-thread cache of TBs by eip first.
 *
 * Each turn of the loop is a quiescent point (runtime/epoch.h): the TB
 * pointers kept across it (the interpreted predecessor, the per-thread TB
 * cache) are dropped when the cache generation moved; the cache moves the
 * generation before it retires a TB. A thread blocked in a system call is
 * offline.
 */
#include "runtime/dispatch.h"

#include <setjmp.h>
#include <sys/resource.h>
#include <time.h>
#include <x86intrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/be.h"
#include "frontend/fe.h"
#include "runtime/epoch.h"
#include "runtime/jitq.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/opts.h"
#include "runtime/region.h"
#include "runtime/signal.h"
#include "runtime/tcache.h"
#include "runtime/thread.h"
#include "syscalls/sys.h"

_Thread_local RtStats rt_stats;

void rt_set_precise(void)
{
    if (rt_precise) return;
    rt_precise = true;
    rt_code_flush();
}

/* ---- the loop ------------------------------------------------------- */

/* --stats time accounting: the TSC, converted at exit with the rate seen
 * since the first rt_run. */
static inline uint64_t ticks(void)
{
    return __rdtsc();
}

static uint64_t tsc_start, ns_start;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Per-thread cache of TBs by eip for the lookups the successor cache does
 * not serve (computed targets: ret, indirect jumps and calls). It holds TB
 * pointers across quiescent points, so it is emptied whenever the cache
 * generation moves, like `prev`; an entry is used only while its TB is
 * live. */
#define TBC_BITS 9
#define TBC_SIZE (1u << TBC_BITS)
static inline uint32_t tbc_index(uint32_t eip)
{
    return (eip ^ (eip >> TBC_BITS)) & (TBC_SIZE - 1);
}

static TB *tb_find(TB **tbc, uint32_t eip)
{
    TB **e = &tbc[tbc_index(eip)];
    TB *t = *e;
    if (__builtin_expect(!t || t->eip != eip || __atomic_load_n(&t->dead, __ATOMIC_RELAXED), 0)) {
        t = rt_tb_get(eip);
        *e = t;
    }
    return t;
}

/* The loop, instantiated twice: with and without --stats timing. */
static inline __attribute__((always_inline, noreturn)) void run_loop(CPUState *env,
                                                                      const bool timed)
{
    static _Thread_local TB *tbc[TBC_SIZE];
    memset(tbc, 0, sizeof tbc);
    /* per-thread addresses and options the loop reads every turn */
    RtStats *const st = &rt_stats;
    volatile int *const in_guest = &rt_in_guest;
    const bool auto_tier = rt_opts.tier == TIER_AUTO;
    const uint32_t warm_at = rt_tb_warm_at();
    /* the baseline compiler needs the code bytes kept at warm_at */
    const uint32_t base_at = auto_tier && rt_opts.base_at > warm_at ? rt_opts.base_at : 0;
    uint64_t gen = rt_tb_generation();
    TB *prev = NULL; /* interpreted predecessor that left through a chain slot */
    int prev_slot = 0;
    for (;;) {
        rt_epoch_quiescent();
        uint64_t g = rt_tb_generation(); /* after the quiescent point */
        if (__builtin_expect(g != gen, 0)) { /* translations were dropped */
            gen = g;
            prev = NULL;
            memset(tbc, 0, sizeof tbc);
        }
        if (env->smc_hit) env->smc_hit = 0;
        uint32_t eip = env->eip;
        TB *tb;
        if (prev) {
            tb = __atomic_load_n(&prev->next[prev_slot], __ATOMIC_ACQUIRE);
            if (__builtin_expect(!tb || tb->eip != eip, 0)) {
                tb = tb_find(tbc, eip);
                rt_tb_link(prev, prev_slot, tb, false);
            }
        } else {
            tb = tb_find(tbc, eip);
        }

        BeBlockFn jit = __atomic_load_n(&tb->jit, __ATOMIC_ACQUIRE);
        uint32_t w;
        uint64_t t0 = timed ? ticks() : 0;
        if (__builtin_expect(!jit, 1)) {
            *in_guest = 1;
            w = be_interp_run(env, tb->interp);
            *in_guest = 0;
            st->interp_runs++;
            if (timed) st->interp_ticks += ticks() - t0;
            /* The count is a plain load and store, not an atomic add (a
             * locked instruction, ~5 ns, on every interpreted run): threads
             * running the same block may lose increments, but each value
             * written is one more than a value read, so the count still
             * passes through every number up to its maximum and meets
             * hot_at (twice at worst: claiming for compilation is atomic). */
            if (auto_tier || tb->lazy) {
                uint32_t e = __atomic_load_n(&tb->execs, __ATOMIC_RELAXED) + 1;
                __atomic_store_n(&tb->execs, e, __ATOMIC_RELAXED);
                if (e == warm_at && auto_tier) rt_tb_warm(tb);
                if (e == base_at) rt_tb_baseline(tb);
                if (e == __atomic_load_n(&tb->hot_at, __ATOMIC_RELAXED)) rt_tb_hot(tb);
            }
            /* While blocks wait for the compiler to start: look at the queue
             * every RT_JITQ_KICK_EVERY interpreted runs (not a call a run). */
            if (__builtin_expect(__atomic_load_n(&rt_jitq_waiting, __ATOMIC_RELAXED), 0) &&
                !(st->interp_runs % RT_JITQ_KICK_EVERY) && st->interp_runs >= rt_opts.jit_delay)
                rt_jitq_kick();
            int slot = BE_EXIT_SLOT(w);
            prev = slot >= 0 ? tb : NULL;
            prev_slot = slot;
        } else {
            rt_tb_jc_fill(tb);
            env->last_chain = NULL;
            *in_guest = 1;
            w = jit(env);
            *in_guest = 0;
            st->jit_runs++;
            if (timed) st->jit_ticks += ticks() - t0;
            /* A compiled block (maybe deep in a chain) left through slot:
             * patch it to go straight to the target next time if that is
             * compiled. */
            int slot = BE_EXIT_SLOT(w);
            if (BE_EXIT_KIND(w) == IR_EXIT_JUMP && slot >= 0 && env->last_chain) {
                TB *to = rt_tb_lookup(env->eip);
                if (to && to->jit) rt_tb_link(rt_tb_of_chain(env->last_chain), slot, to, true);
            }
            prev = NULL;
        }

        IrExitKind kind = BE_EXIT_KIND(w);
        if (timed) (jit ? st->exits_jit : st->exits_interp)[kind < IR_EXIT__COUNT ? kind : IR_EXIT_HALT]++;
        if (__builtin_expect(kind != IR_EXIT_JUMP, 0)) {
            prev = NULL;
            switch (kind) {
            case IR_EXIT_SYSCALL:
                if (timed) t0 = ticks();
                rt_epoch_offline();
                sys_dispatch(env);
                rt_epoch_online();
                if (timed) st->syscall_ticks += ticks() - t0;
                break;
            case IR_EXIT_SIGNAL:
                rt_signal_raise(env, (int)(env->exit_info & 0xff),
                                (int)((env->exit_info >> 8) & 0xff), env->fault_addr);
                break;
            case IR_EXIT_GUARD: /* retranslate the block without the failed assumption */
                fe_x87_set_generic(env->exit_info);
                rt_code_invalidate(env->exit_info, 1);
                break;
            case IR_EXIT_HALT:
            default:
                rt_exit((int)(env->regs[R_EAX] & 0xff));
            }
        }
        if (env->sig_pending && rt_signal_deliver(env)) prev = NULL; /* the safe point */
    }
}

static __attribute__((noinline, noreturn)) void run_loop_timed(CPUState *env)
{
    run_loop(env, true);
}

static __attribute__((noinline, noreturn)) void run_loop_plain(CPUState *env)
{
    run_loop(env, false);
}

_Noreturn void rt_run(CPUState *env)
{
    rt_thread_env = env;
    uint64_t zero = 0, now = ticks();
    if (__atomic_compare_exchange_n(&tsc_start, &zero, now, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
        ns_start = mono_ns();
    rt_tcache_init();
    rt_epoch_register();
    /* A guest fault the guest handles comes back here (runtime/signal.c)
     * and is delivered; the loop starts afresh at the handler (holding no
     * translation: the loop's first step is a quiescent point). */
    sigjmp_buf fault_jb;
    rt_fault_jmp = &fault_jb;
    if (sigsetjmp(fault_jb, 0)) rt_signal_fault_caught(env);
    if (rt_opts.stats)
        run_loop_timed(env);
    else
        run_loop_plain(env);
}

/* ---- exit ----------------------------------------------------------- */

static void print_stats(void)
{
    RtStats sum;
    rt_thread_stats_sum(&sum);
    /* every block run, interpreted or compiled, is a return here */
    sum.dispatcher_returns = sum.interp_runs + sum.jit_runs;
    const RtStats *s = &sum;
    fprintf(stderr,
            "xrun stats:\n"
            "  blocks translated   %llu (%llu guest insns, %llu IR insts)\n"
            "  translate time      %.3f ms\n"
            "  interpreted runs    %llu\n"
            "  compiled runs       %llu\n"
            "  LLVM compiles       %llu (%llu failed), %.3f ms\n"
            "  dispatcher returns  %llu, chain patches %llu\n"
            "  syscalls            %llu, cache flushes %llu\n"
            "  invalidations       %llu (%llu blocks dropped), code write faults %llu\n"
            "  code cache          %llu blocks, %llu dropped awaiting free\n"
            "  LLVM backend        %s\n",
            (unsigned long long)s->blocks_translated, (unsigned long long)s->insns_lifted,
            (unsigned long long)s->ir_insts, s->translate_ns / 1e6,
            (unsigned long long)s->interp_runs, (unsigned long long)s->jit_runs,
            (unsigned long long)s->jit_compiles, (unsigned long long)s->jit_failures,
            s->jit_ns / 1e6, (unsigned long long)s->dispatcher_returns,
            (unsigned long long)s->chain_patches, (unsigned long long)s->syscalls,
            (unsigned long long)s->flushes, (unsigned long long)s->invalidations,
            (unsigned long long)s->blocks_dropped, (unsigned long long)s->code_write_faults,
            (unsigned long long)rt_tb_count(), (unsigned long long)rt_epoch_pending(),
            be_llvm_loaded() ? "loaded" : "not loaded");
    unsigned long long nc = s->jit_compiles + s->jit_failures;
    fprintf(stderr,
            "  tier-up             %llu queued, %llu compiled in %llu batches, %llu dropped cold; "
            "%u waiting at exit, at most %u\n"
            "  compiler CPU        %.1f ms loading LLVM, %.1f ms compiling (%.3f ms a block, "
            "%.1f us an IR inst); %.1f ms asleep over budget\n",
            (unsigned long long)s->jit_queued, nc, (unsigned long long)s->jit_batches,
            (unsigned long long)s->jit_cold,
            rt_jitq_length(), rt_jitq_max_length(), s->jit_start_ns / 1e6, s->jit_cpu_ns / 1e6,
            nc ? s->jit_cpu_ns / 1e6 / (double)nc : 0.0,
            s->jit_ir ? s->jit_cpu_ns / 1e3 / (double)s->jit_ir : 0.0, s->jit_wait_ns / 1e6);
    fprintf(stderr, "  exits              ");
    for (int k = 0; k < IR_EXIT__COUNT; k++)
        fprintf(stderr, " %s %llu/%llu", ir_exit_name[k], (unsigned long long)s->exits_interp[k],
                (unsigned long long)s->exits_jit[k]);
    fprintf(stderr, " (interpreted/compiled)\n");
    rt_region_stats_print(stderr);
    uint64_t dns = mono_ns() - ns_start, dt = ticks() - tsc_start;
    double ms_per_tick = dt ? (double)dns / (double)dt / 1e6 : 0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "  time (all threads)  interpreting %.1f ms, compiled code %.1f ms, syscalls %.1f ms, "
            "translating %.1f ms, compiling %.1f ms; wall %.1f ms\n"
            "  CPU                 user %.3f s, system %.3f s\n"
            "  peak RSS            %.1f MB\n",
            s->interp_ticks * ms_per_tick, s->jit_ticks * ms_per_tick,
            s->syscall_ticks * ms_per_tick, s->translate_ns / 1e6, s->jit_ns / 1e6, dns / 1e6,
            ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss / 1024.0);
}

_Noreturn void rt_exit(int status)
{
    if (rt_opts.stats) print_stats();
    fflush(NULL);
    _exit(status); /* no atexit/static destructors (LLVM's) on the way out */
}
