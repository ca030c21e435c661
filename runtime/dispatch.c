/* The dispatcher: find or make a translation for eip, run it, act on why
 * it stopped, repeat.
 *
 * Translations (TB) live in a hash table keyed by guest eip. A TB starts
 * as an optimized IrBlock prepared for the interpreter (tier 0). In auto
 * mode, a TB that has run XRUN_HOT times is compiled by LLVM (tier 1); in
 * jit mode every TB is compiled before it first runs; in interp mode never.
 *
 * Chaining: a compiled block's constant-target exits tail-call through the
 * TB's chain[] slots. A slot starts NULL (the exit returns here); when the
 * dispatcher sees a compiled block leave through slot k (env->last_chain
 * names the block's slot array) and the target has compiled code, it
 * patches the slot, so from then on that edge never comes back here.
 * Interpreted blocks cache their successor TB per slot to skip the hash.
 *
 * Invalidation is coarse for now: any change to guest code pages
 * (munmap/mprotect of executable memory) drops every translation.
 *
 * Threads (DESIGN §4): every guest thread runs rt_run on its own CPUState;
 * the code cache is shared. Lookups take no lock: bucket heads and hnext
 * links are read with acquire loads and a TB is published complete with a
 * release store. Translation and install take code_lock (the lookup is
 * repeated under it, so an eip is translated once); LLVM compiles take
 * jit_lock (LLVM is serialized; an auto-tier compile lets the other
 * threads go on interpreting the block); a TB's jit pointer and chain
 * slots are single atomic pointer stores. The dispatcher's own state
 * (prev, prev_slot) is local to each thread, and so are the --stats
 * counters, summed at exit. A flush while several threads run only
 * unlinks the TBs: another thread may be running them, so they are freed
 * by the next flush made when one thread is left.
 */
#include "runtime/dispatch.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/be.h"
#include "frontend/fe.h"
#include "ir/ir.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/opts.h"
#include "runtime/signal.h"
#include "runtime/thread.h"
#include "syscalls/sys.h"

_Thread_local RtStats rt_stats;

typedef struct TB {
    uint32_t eip;
    uint32_t execs;
    struct TB *hnext;
    IrBlock *ir; /* kept until compiled (auto mode) */
    BeInterpBlock *interp;
    BeBlockFn jit;
    BeJumpTarget jt; /* {eip, jit} for the jump cache, filled before jit is set */
    bool jit_failed;
    struct TB *next[BE_MAX_CHAIN]; /* successor cache for interpreted runs */
    BeBlockFn chain[BE_MAX_CHAIN]; /* patched by the dispatcher, read by JIT code */
} TB;

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
static TB *tb_hash[TB_HASH_SIZE];
static uint64_t tb_count; /* code_lock */
static TB *tb_retired;    /* unlinked by a flush, not yet freed (code_lock) */
static uint64_t code_gen; /* bumped by every flush */
static pthread_mutex_t code_lock = PTHREAD_MUTEX_INITIALIZER; /* translate, install, flush */
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;  /* LLVM (after code_lock) */

/* ---- code cache ----------------------------------------------------- */

static inline uint32_t tb_hash_of(uint32_t eip)
{
    return (eip * 0x9e3779b1u) >> (32 - TB_HASH_BITS);
}

static TB *tb_lookup(uint32_t eip)
{
    for (TB *t = __atomic_load_n(&tb_hash[tb_hash_of(eip)], __ATOMIC_ACQUIRE); t;
         t = __atomic_load_n(&t->hnext, __ATOMIC_ACQUIRE))
        if (t->eip == eip) return t;
    return NULL;
}

static BeBlockFn tb_jit(const TB *tb)
{
    return __atomic_load_n(&tb->jit, __ATOMIC_ACQUIRE);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Compile tb with LLVM; on failure it stays interpreted for good. */
static void tb_compile(TB *tb)
{
    pthread_mutex_lock(&jit_lock);
    if (!tb->jit && !tb->jit_failed && tb->ir) {
        BeBlockFn fn = NULL;
        if (be_llvm_init() == 0)
            fn = be_llvm_compile(tb->ir, tb->chain, (rt_opts.dump & DUMP_LLVM) ? stderr : NULL);
        if (!fn) tb->jit_failed = true;
        tb->jt = (BeJumpTarget){tb->eip, fn}; /* complete before jit is published */
        __atomic_store_n(&tb->jit, fn, __ATOMIC_RELEASE);
        ir_block_free(tb->ir);
        tb->ir = NULL;
    }
    pthread_mutex_unlock(&jit_lock);
}

/* Translate eip and publish the TB; code_lock held. */
static TB *tb_translate_locked(uint32_t eip)
{
    uint64_t t0 = now_ns();
    IrBlock *ir = fe_translate(eip, (rt_opts.dump & DUMP_IN_ASM) ? stderr : NULL);
    if (rt_opts.dump & DUMP_IR) {
        fprintf(stderr, "IR 0x%08x:\n", eip);
        ir_print(stderr, ir);
    }
    ir->precise = rt_precise;
    ir_optimize(ir);
    if (rt_opts.dump & DUMP_OPT) {
        fprintf(stderr, "OPT 0x%08x:\n", eip);
        ir_print(stderr, ir);
    }
    rt_stats.ir_insts += ir->n;

    TB *tb = calloc(1, sizeof *tb);
    if (!tb) rt_fatal(1, "out of memory for translations");
    tb->eip = eip;
    tb->ir = ir;
    tb->interp = be_interp_prepare(ir);
    rt_stats.translate_ns += now_ns() - t0;

    if (rt_opts.tier == TIER_JIT) {
        tb_compile(tb);
    } else if (rt_opts.tier == TIER_INTERP) {
        ir_block_free(tb->ir);
        tb->ir = NULL;
    }
    uint32_t h = tb_hash_of(eip);
    tb->hnext = tb_hash[h];
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    tb_count++;
    return tb;
}

/* The TB for eip, translated if no thread has done it yet. */
static TB *tb_get(uint32_t eip)
{
    pthread_mutex_lock(&code_lock);
    TB *tb = tb_lookup(eip);
    if (!tb) tb = tb_translate_locked(eip);
    pthread_mutex_unlock(&code_lock);
    return tb;
}

static void tb_free_list(TB *t)
{
    while (t) {
        TB *n = t->hnext;
        be_interp_free(t->interp);
        ir_block_free(t->ir);
        /* The host code of t stays allocated inside the JIT (only its
         * own chain slots referred to this TB, and nothing runs it). */
        free(t);
        t = n;
    }
}

void rt_code_lock_all(void)
{
    pthread_mutex_lock(&code_lock);
    pthread_mutex_lock(&jit_lock);
}

void rt_code_unlock_all(void)
{
    pthread_mutex_unlock(&jit_lock);
    pthread_mutex_unlock(&code_lock);
}

void rt_code_flush(void)
{
    rt_code_lock_all();
    for (uint32_t i = 0; i < TB_HASH_SIZE; i++) {
        TB *t = tb_hash[i];
        if (!t) continue;
        __atomic_store_n(&tb_hash[i], NULL, __ATOMIC_RELEASE);
        TB *last = t;
        while (last->hnext) last = last->hnext;
        last->hnext = tb_retired;
        tb_retired = t;
    }
    if (rt_thread_count() == 1) { /* nobody else can be running them */
        tb_free_list(tb_retired);
        tb_retired = NULL;
    }
    be_jc_clear();
    tb_count = 0;
    __atomic_add_fetch(&code_gen, 1, __ATOMIC_RELEASE);
    rt_code_unlock_all();
    rt_stats.flushes++;
}

void rt_set_precise(void)
{
    if (rt_precise) return;
    rt_precise = true;
    rt_code_flush();
}

static void on_code_change(uint32_t addr, uint32_t len)
{
    (void)addr;
    (void)len;
    rt_code_flush();
}

/* ---- the loop ------------------------------------------------------- */

static _Noreturn void run_loop(CPUState *env)
{
    uint64_t gen = __atomic_load_n(&code_gen, __ATOMIC_ACQUIRE);
    TB *prev = NULL;
    int prev_slot = -1;
    for (;;) {
        TB *tb = NULL;
        if (prev && prev_slot >= 0) {
            tb = __atomic_load_n(&prev->next[prev_slot], __ATOMIC_ACQUIRE);
            if (tb && tb->eip != env->eip) tb = NULL;
        }
        if (!tb) {
            tb = tb_lookup(env->eip);
            if (!tb) tb = tb_get(env->eip);
            if (prev && prev_slot >= 0)
                __atomic_store_n(&prev->next[prev_slot], tb, __ATOMIC_RELEASE);
        }

        BeBlockFn jit = tb_jit(tb); /* (tb may get compiled below) */
        if (jit) be_jc_publish(&tb->jt);
        uint32_t w;
        bool ran_jit = jit != NULL;
        if (ran_jit) {
            env->last_chain = NULL;
            rt_in_guest = 1;
            w = jit(env);
            rt_in_guest = 0;
            rt_stats.jit_runs++;
        } else {
            rt_in_guest = 1;
            w = be_interp_run(env, tb->interp);
            rt_in_guest = 0;
            rt_stats.interp_runs++;
            if (rt_opts.tier == TIER_AUTO &&
                __atomic_add_fetch(&tb->execs, 1, __ATOMIC_RELAXED) == rt_opts.hot)
                tb_compile(tb);
        }
        rt_stats.dispatcher_returns++;

        IrExitKind kind = BE_EXIT_KIND(w);
        int slot = BE_EXIT_SLOT(w);
        /* A compiled block (maybe deep in a chain) left through slot: patch
         * it to go straight to the target next time if that is compiled. */
        if (kind == IR_EXIT_JUMP && slot >= 0 && ran_jit && env->last_chain) {
            TB *to = tb_lookup(env->eip);
            BeBlockFn fn = to ? tb_jit(to) : NULL;
            if (fn) {
                __atomic_store_n(&((BeBlockFn *)env->last_chain)[slot], fn, __ATOMIC_RELEASE);
                rt_stats.chain_patches++;
            }
        }
        prev = ran_jit ? NULL : tb;
        prev_slot = slot;

        switch (kind) {
        case IR_EXIT_JUMP:
            break;
        case IR_EXIT_SYSCALL:
            sys_dispatch(env);
            break;
        case IR_EXIT_SIGNAL:
            rt_signal_raise(env, (int)(env->exit_info & 0xff), (int)((env->exit_info >> 8) & 0xff),
                            env->fault_addr);
            break;
        case IR_EXIT_HALT:
        default:
            rt_exit((int)(env->regs[R_EAX] & 0xff));
        }
        uint64_t g = __atomic_load_n(&code_gen, __ATOMIC_ACQUIRE);
        if (g != gen) { /* translations were dropped */
            gen = g;
            prev = NULL;
        }
        if (kind != IR_EXIT_JUMP) prev = NULL;
        if (env->sig_pending && rt_signal_deliver(env)) prev = NULL; /* the safe point */
    }
}

_Noreturn void rt_run(CPUState *env)
{
    rt_thread_env = env;
    rt_mem_on_code_change = on_code_change;
    /* A guest fault the guest handles comes back here (runtime/signal.c)
     * and is delivered; the loop starts afresh at the handler. */
    sigjmp_buf fault_jb;
    rt_fault_jmp = &fault_jb;
    if (sigsetjmp(fault_jb, 0)) rt_signal_fault_caught(env);
    run_loop(env);
}

/* ---- exit ----------------------------------------------------------- */

static void print_stats(void)
{
    RtStats sum;
    rt_thread_stats_sum(&sum);
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
            "  code cache          %llu blocks\n",
            (unsigned long long)s->blocks_translated, (unsigned long long)s->insns_lifted,
            (unsigned long long)s->ir_insts, s->translate_ns / 1e6,
            (unsigned long long)s->interp_runs, (unsigned long long)s->jit_runs,
            (unsigned long long)s->jit_compiles, (unsigned long long)s->jit_failures,
            s->jit_ns / 1e6, (unsigned long long)s->dispatcher_returns,
            (unsigned long long)s->chain_patches, (unsigned long long)s->syscalls,
            (unsigned long long)s->flushes,
            (unsigned long long)__atomic_load_n(&tb_count, __ATOMIC_RELAXED));
}

_Noreturn void rt_exit(int status)
{
    if (rt_opts.stats) print_stats();
    fflush(NULL);
    _exit(status); /* no atexit/static destructors (LLVM's) on the way out */
}
