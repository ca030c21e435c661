/* The translation cache (runtime/tcache.h).
 *
 * Structures. TBs are found by eip in a hash table with chained buckets,
 * and listed per guest page (a block's code lies on one page, or two when
 * its last instruction straddles the boundary: frontend/fe.c stops at the
 * page end). Links between blocks (the successor cache of interpreted
 * runs and the patched chain slots of compiled code) are TBLinks kept in
 * the target's incoming list, so dropping a block clears every pointer to
 * it. The jump cache entry of a dropped block is cleared too.
 *
 * Locking. Lookups (rt_tb_lookup, the dispatcher's successor cache, chain
 * slots and the jump cache read by compiled code) take no lock. Every
 * change (install, link, drop) happens under cache_lock. A dropped TB is
 * unlinked at once but its memory (TB, interpreter block, LLVM code) is
 * retired to runtime/epoch.c and freed only after every thread has passed
 * a quiescent point, so a thread that found it just before, or is running
 * its code, is safe. Dispatchers that keep a TB pointer across their
 * quiescent point (the interpreted predecessor) check rt_tb_generation().
 *
 * Write faults. The host SIGSEGV handler calls rt_mem_write_fault, which
 * calls code_write() here: it takes cache_lock inside a signal handler.
 * That is safe because no code holding cache_lock (or mem.c's lock, taken
 * inside it) ever writes guest memory, so the handler never interrupts a
 * holder on its own thread (a thread-local flag turns such a bug into a
 * plain crash report instead of a deadlock); holders on other threads
 * finish without waiting for anything. The handler allocates and frees
 * nothing: retiring is a lock-free push. Lock order: cache_lock, then
 * mem.c's lock.
 *
 * Translate/modify races. Before decoding, the translator write-protects
 * the block's page(s) (rt_mem_code_page) and reads the page generation;
 * every invalidation of a page bumps it under cache_lock, after the page
 * was unprotected. The install re-checks it under cache_lock and starts
 * over when it moved, so a TB never outlives a change of its bytes.
 */
#include "runtime/tcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "frontend/fe.h"
#include "runtime/dispatch.h"
#include "runtime/jitq.h"
#include "runtime/log.h"
#include "runtime/mem.h"
#include "runtime/opts.h"
#include "runtime/region.h"
#include "runtime/signal.h"
#include "runtime/tierup.h"

#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
#define NPAGES (1u << 20)
#define CHUNK_SHIFT 10
#define PGEN_BITS 16
#define PGEN_SIZE (1u << PGEN_BITS)
/* A page whose translations were dropped this many times is volatile. */
#define VOLATILE_PAGE_DROPS 4

static TB *tb_hash[TB_HASH_SIZE];
static TB *page_tbs[NPAGES];                    /* TBs with code on the page */
static uint32_t chunk_tbs[NPAGES >> CHUNK_SHIFT]; /* page-list entries per chunk */
static uint32_t page_gen[PGEN_SIZE];            /* hashed per-page change counters */
static uint8_t page_drops[PGEN_SIZE];           /* hashed: times the page lost blocks */
uint64_t rt_tb_gen_; /* rt_tb_generation() */
static uint64_t live_tbs;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local bool cache_held;

static void lock(void) {
    pthread_mutex_lock(&cache_lock);
    cache_held = true;
}
static void unlock(void) {
    cache_held = false;
    pthread_mutex_unlock(&cache_lock);
}

static inline uint32_t hash_of(uint32_t eip) {
    return (eip * 0x9e3779b1u) >> (32 - TB_HASH_BITS);
}
static inline uint32_t *gen_of(uint32_t page) {
    return &page_gen[page & (PGEN_SIZE - 1)];
}
static inline uint32_t gen_read(uint32_t page) {
    return __atomic_load_n(gen_of(page), __ATOMIC_SEQ_CST);
}
/* Which of t's page-list nodes is the one on page p. */
static inline uint32_t pidx(const TB *t, uint32_t p) {
    for (uint32_t k = 0; k < t->npages; k++)
        if (t->pages[k] == p) return k;
    return 0;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- lookup ---------------------------------------------------------- */

TB *rt_tb_lookup(uint32_t eip) {
    for (TB *t = __atomic_load_n(&tb_hash[hash_of(eip)], __ATOMIC_ACQUIRE); t;
         t = __atomic_load_n(&t->hnext, __ATOMIC_ACQUIRE))
        if (t->eip == eip && !__atomic_load_n(&t->dead, __ATOMIC_RELAXED)) return t;
    return NULL;
}

uint64_t rt_tb_count(void) {
    return __atomic_load_n(&live_tbs, __ATOMIC_RELAXED);
}

/* ---- freeing --------------------------------------------------------- */

void rt_tb_destroy(TB *t) {
    be_interp_free(t->interp);
    ir_block_free(t->ir);
    free(t->code_bytes);
    if (t->code) rt_jitq_free_code(t->code);
    free(t);
}

static void tb_free(RtRetired *r) {
    rt_tb_destroy((TB *)((char *)r - offsetof(TB, retire)));
}

/* ---- jump cache ------------------------------------------------------- */

static void jc_clear(TB *t) {
    if (__atomic_load_n(&t->jit, __ATOMIC_SEQ_CST)) be_jc_forget(&t->jt);
}

void rt_tb_jc_fill(TB *tb) {
    const BeJumpTarget **e = &be_jump_cache[be_jc_index(tb->eip)];
    if (__atomic_load_n(e, __ATOMIC_RELAXED) == &tb->jt) return;
    be_jc_publish(&tb->jt);
    /* Pairs with drop_locked, which marks the TB dead, then forgets its
     * record: one of the two sees the other's store. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&tb->dead, __ATOMIC_SEQ_CST)) be_jc_forget(&tb->jt);
}

/* ---- links ------------------------------------------------------------ */

static void link_remove(TBLink *l) {
    if (!l->to) return;
    *l->in_pprev = l->in_next;
    if (l->in_next) l->in_next->in_pprev = l->in_pprev;
    l->to = NULL;
    l->in_next = NULL;
    l->in_pprev = NULL;
}

void rt_tb_link(TB *src, int slot, TB *to, bool patch_chain) {
    if (slot < 0 || (uint32_t)slot >= src->nslots) return;
    lock();
    if (!src->dead && !to->dead) {
        TBLink *l = &src->out[slot];
        if (l->to != to) {
            link_remove(l);
            l->from = src;
            l->slot = slot;
            l->to = to;
            l->in_next = to->in;
            if (to->in) to->in->in_pprev = &l->in_next;
            l->in_pprev = &to->in;
            to->in = l;
        }
        __atomic_store_n(&src->next[slot], to, __ATOMIC_RELEASE);
        if (patch_chain && to->jit) {
            __atomic_store_n(&src->chain[slot], to->jit, __ATOMIC_RELEASE);
            rt_stats.chain_patches++;
        }
    }
    unlock();
}

/* ---- install and drop ------------------------------------------------- */

static void page_add(TB *t, uint32_t k) {
    uint32_t p = t->pages[k];
    TB **head = &page_tbs[p];
    t->pnext[k] = *head;
    if (*head) (*head)->pprev[pidx(*head, p)] = &t->pnext[k];
    t->pprev[k] = head;
    *head = t;
    chunk_tbs[p >> CHUNK_SHIFT]++;
}

static void page_remove(TB *t, uint32_t k) {
    uint32_t p = t->pages[k];
    if (!t->pprev[k]) return;
    *t->pprev[k] = t->pnext[k];
    if (t->pnext[k]) t->pnext[k]->pprev[pidx(t->pnext[k], p)] = t->pprev[k];
    t->pprev[k] = NULL;
    t->pnext[k] = NULL;
    chunk_tbs[p >> CHUNK_SHIFT]--;
}

static void install_locked(TB *t) {
    uint32_t h = hash_of(t->eip);
    t->hnext = tb_hash[h];
    __atomic_store_n(&tb_hash[h], t, __ATOMIC_RELEASE);
    for (uint32_t k = 0; k < t->npages; k++) page_add(t, k);
    live_tbs++;
}

/* Unlink t from everything; its memory is retired. cache_lock held. */
static void retire_locked(TB *t) {
    __atomic_store_n(&t->dead, 1, __ATOMIC_SEQ_CST);
    rt_jitq_forget_locked(t);
    TB **pp = &tb_hash[hash_of(t->eip)];
    while (*pp && *pp != t) pp = &(*pp)->hnext;
    if (*pp) __atomic_store_n(pp, t->hnext, __ATOMIC_RELEASE);
    for (uint32_t k = 0; k < t->npages; k++) page_remove(t, k);
    for (TBLink *l = t->in, *n; l; l = n) {
        n = l->in_next;
        __atomic_store_n(&l->from->next[l->slot], NULL, __ATOMIC_RELEASE);
        __atomic_store_n(&l->from->chain[l->slot], NULL, __ATOMIC_RELEASE);
        l->to = NULL;
        l->in_next = NULL;
        l->in_pprev = NULL;
    }
    t->in = NULL;
    /* Its own exits return to the dispatcher from now on (a thread may
     * still be running it). */
    for (uint32_t k = 0; k < t->nslots; k++) {
        link_remove(&t->out[k]);
        __atomic_store_n(&t->next[k], NULL, __ATOMIC_RELEASE);
        __atomic_store_n(&t->chain[k], NULL, __ATOMIC_RELEASE);
    }
    jc_clear(t);
    live_tbs--;
    /* The generation moves before the retirement's epoch bump: a
     * dispatcher whose quiescent point reads the new epoch (after which t
     * may be freed) then reads the new generation too, and drops the TB
     * pointers it keeps across quiescent points (runtime/dispatch.c). */
    __atomic_fetch_add(&rt_tb_gen_, 1, __ATOMIC_SEQ_CST);
    rt_epoch_retire(&t->retire, tb_free);
}

/* retire_locked, counted as a dropped block (--stats). */
static void drop_locked(TB *t) {
    retire_locked(t);
    __atomic_fetch_add(&rt_stats.blocks_dropped, 1, __ATOMIC_RELAXED);
}

static void gen_bump(uint32_t page) {
    __atomic_fetch_add(gen_of(page), 1, __ATOMIC_SEQ_CST);
}

/* Whether t's guest code overlaps [lo, hi). */
static bool overlaps(const TB *t, uint64_t lo, uint64_t hi) {
    if (!t->nranges) {
        uint64_t s = t->eip, e = (uint64_t)t->eip + (t->len ? t->len : 1);
        return s < hi && e > lo;
    }
    for (uint32_t i = 0; i < t->nranges; i++)
        if (t->ranges[2 * i] < hi && t->ranges[2 * i + 1] > lo) return true;
    return false;
}

/* Drop the TBs on page p whose code overlaps [lo, hi); bump the page's
 * generation. Returns how many were dropped. cache_lock held. */
static unsigned drop_page_locked(uint32_t p, uint64_t lo, uint64_t hi) {
    unsigned n = 0;
    for (TB *t = page_tbs[p], *next; t; t = next) {
        next = t->pnext[pidx(t, p)];
        if (overlaps(t, lo, hi)) {
            drop_locked(t);
            n++;
        }
    }
    uint8_t *d = &page_drops[p & (PGEN_SIZE - 1)];
    if (n && *d < UINT8_MAX) __atomic_store_n(d, (uint8_t)(*d + 1), __ATOMIC_RELAXED);
    return n;
}

static void dropped(unsigned n) {
    if (n) __atomic_fetch_add(&rt_tb_gen_, 1, __ATOMIC_SEQ_CST);
}

void rt_code_invalidate(uint32_t addr, uint32_t len) {
    if (!len) return;
    uint64_t lo = addr, hi = (uint64_t)addr + len;
    if (hi > GUEST_SPACE) hi = GUEST_SPACE;
    uint32_t p0 = (uint32_t)(lo / GUEST_PAGE), p1 = (uint32_t)((hi - 1) / GUEST_PAGE);
    lock();
    unsigned n = 0;
    for (uint32_t p = p0; p <= p1; p++) {
        uint32_t c = p >> CHUNK_SHIFT;
        if (!(p & ((1u << CHUNK_SHIFT) - 1)) && !chunk_tbs[c] && p + (1u << CHUNK_SHIFT) - 1 <= p1) {
            p += (1u << CHUNK_SHIFT) - 1;
            continue;
        }
        if (page_tbs[p]) n += drop_page_locked(p, lo, hi);
    }
    /* In-flight translations of any page in the range start over. */
    if (p1 - p0 >= PGEN_SIZE)
        for (uint32_t i = 0; i < PGEN_SIZE; i++) gen_bump(i);
    else
        for (uint32_t p = p0; p <= p1; p++) gen_bump(p);
    dropped(n);
    if (n) __atomic_fetch_add(&rt_stats.invalidations, 1, __ATOMIC_RELAXED);
    unlock();
}

void rt_code_flush(void) {
    lock();
    unsigned n = 0;
    for (uint32_t i = 0; i < TB_HASH_SIZE; i++)
        while (tb_hash[i]) {
            drop_locked(tb_hash[i]);
            n++;
        }
    for (uint32_t i = 0; i < PGEN_SIZE; i++) gen_bump(i);
    be_jc_clear();
    dropped(n);
    rt_stats.flushes++;
    unlock();
}

/* A guest store hit write-protected page `page_addr` (signal handler, see
 * the top). Returns false when this thread already holds the cache lock:
 * a fault inside xrun's own cache code, not the guest's. */
static bool code_write(uint32_t page_addr) {
    if (cache_held) return false;
    uint32_t p = page_addr / GUEST_PAGE;
    lock();
    unsigned n = drop_page_locked(p, page_addr, (uint64_t)page_addr + GUEST_PAGE);
    rt_mem_unprotect_code(page_addr);
    gen_bump(p);
    dropped(n);
    __atomic_fetch_add(&rt_stats.code_write_faults, 1, __ATOMIC_RELAXED);
    unlock();
    if (rt_thread_env) rt_thread_env->smc_hit = 1;
    return true;
}

static void code_change(uint32_t addr, uint32_t len) {
    rt_code_invalidate(addr, len);
}

void rt_code_lock_all(void) {
    fe_lock_all();
    be_llvm_lock_all();
    pthread_mutex_lock(&cache_lock);
    rt_jitq_lock_all();
}

void rt_code_unlock_all(void) {
    rt_jitq_unlock_all();
    pthread_mutex_unlock(&cache_lock);
    be_llvm_unlock_all();
    fe_unlock_all();
}

void rt_tcache_init(void) {
    rt_mem_on_code_change = code_change;
    rt_mem_on_code_write = code_write;
}

/* ---- translate --------------------------------------------------------- */

/* Claim tb for compilation: false when it is compiled, failed, already
 * claimed, or has no IR left. */
static bool claim(TB *tb) {
    if (__atomic_load_n(&tb->jit, __ATOMIC_ACQUIRE) || tb->jit_failed ||
        (!tb->ir && !__atomic_load_n(&tb->code_bytes, __ATOMIC_ACQUIRE)))
        return false;
    uint32_t zero = 0;
    return __atomic_compare_exchange_n(&tb->compiling, &zero, 1, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_RELAXED);
}

void rt_tb_compile(TB *tb) {
    if (claim(tb)) rt_tb_compile_claimed(tb);
}

void rt_tb_hot(TB *tb) {
    if (!claim(tb)) return;
    if (rt_opts.tier == TIER_JIT || !rt_jitq_push(tb)) rt_tb_compile_claimed(tb);
}

bool rt_tb_install_region(TB *head, TB *r, TB *const *members, uint32_t n) {
    lock();
    bool ok = !head->dead;
    for (uint32_t i = 0; ok && i < n; i++) ok = !members[i]->dead;
    if (ok) {
        r->execs = head->execs;
        retire_locked(head); /* not counted as dropped: the region takes its place */
        install_locked(r);
        for (uint32_t i = 1; i < n; i++)
            if (!members[i]->covered) {
                members[i]->cover_execs = __atomic_load_n(&members[i]->execs, __ATOMIC_RELAXED);
                members[i]->covered = true;
            }
        dropped(1); /* dispatchers forget head */
    }
    unlock();
    return ok;
}

void rt_tb_warm(TB *tb) {
    if (__atomic_load_n(&tb->code_bytes, __ATOMIC_ACQUIRE) || !tb->len) return;
    FeCode *c = fe_code_copy(tb->eip, tb->len, &tb->x87), *none = NULL;
    if (c && !__atomic_compare_exchange_n(&tb->code_bytes, &none, c, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE))
        free(c); /* another thread was first */
}

IrBlock *rt_tb_ir(const TB *tb) {
    if (tb->ir) return ir_block_clone(tb->ir);
    const FeCode *code = __atomic_load_n(&tb->code_bytes, __ATOMIC_ACQUIRE);
    if (!code) return NULL;
    IrBlock *ir = fe_retranslate(code, tb->fe_flags);
    if (ir->guest_addr != tb->eip || ir->guest_len != tb->len) {
        ir_block_free(ir); /* cannot happen: the same bytes, the same decoder */
        return NULL;
    }
    ir->precise = tb->precise;
    ir_optimize(ir);
    return ir;
}

/* Publish tb's compiled code fn (NULL: the compile failed), owned by
 * code. Its IR is not needed any more (regions translate again). */
static void compiled(TB *tb, BeBlockFn fn, BeJitCode *code) {
    lock();
    bool dead = tb->dead;
    if (!fn) {
        tb->jit_failed = true;
    } else if (!dead) {
        tb->code = code;
        tb->jt = (BeJumpTarget){tb->eip, fn};
        __atomic_store_n(&tb->jit, fn, __ATOMIC_RELEASE);
    }
    IrBlock *ir = tb->ir;
    tb->ir = NULL;
    unlock();
    ir_block_free(ir);
    if (fn && dead) be_llvm_free(code); /* never published: its reference goes */
}

void rt_tb_baseline(TB *tb) {
    if (__atomic_load_n(&tb->jit, __ATOMIC_ACQUIRE) || tb->jit_failed) return;
    uint32_t zero = 0;
    if (!__atomic_compare_exchange_n(&tb->compiling, &zero, 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED))
        return;
    IrBlock *ir = rt_tb_ir(tb);
    BeBlockFn fn = ir ? be_x64_compile(ir, tb->chain) : NULL;
    ir_block_free(ir);
    lock();
    if (fn && !tb->dead) {
        tb->jt = (BeJumpTarget){tb->eip, fn};
        __atomic_store_n(&tb->jit, fn, __ATOMIC_RELEASE);
    }
    unlock();
    if (!fn) __atomic_store_n(&tb->compiling, 0, __ATOMIC_RELEASE);
}

void rt_tb_compile_claimed(TB *tb) {
    rt_tb_compile_batch(&tb, 1, BE_FAST);
}

void rt_tb_compile_batch(TB *const *tbs, unsigned n, unsigned flags) {
    TB *rest[RT_JIT_BATCH_MAX];
    IrBlock *irs[RT_JIT_BATCH_MAX];
    BeBlockFn *chains[RT_JIT_BATCH_MAX], fns[RT_JIT_BATCH_MAX];
    unsigned m = 0;
    for (unsigned i = 0; i < n && i < RT_JIT_BATCH_MAX; i++) {
        IrBlock *ir = rt_tb_ir(tbs[i]);
        if (!ir) {
            compiled(tbs[i], NULL, NULL);
            continue;
        }
        if (rt_region_compile(tbs[i], ir)) {
            ir_block_free(ir);
            continue;
        }
        rest[m] = tbs[i];
        irs[m] = ir;
        chains[m++] = tbs[i]->chain;
    }
    if (!m) return;
    BeJitCode *code = NULL;
    if (be_llvm_init() != 0) {
        for (unsigned i = 0; i < m; i++) fns[i] = NULL;
    } else {
        be_llvm_compile_batch((const IrBlock *const *)irs, chains, m, flags,
                              (rt_opts.dump & DUMP_LLVM) ? stderr : NULL, fns, &code);
    }
    for (unsigned i = 0; i < m; i++) {
        compiled(rest[i], fns[i], code);
        ir_block_free(irs[i]);
    }
}

TB *rt_tb_alloc(uint32_t nslots, uint32_t npages, uint32_t nranges) {
    size_t sz = sizeof(TB) + nslots * (sizeof(BeBlockFn) + sizeof(TB *) + sizeof(TBLink)) +
                npages * (sizeof(TB *) + sizeof(TB **) + sizeof(uint32_t)) +
                nranges * 2 * sizeof(uint32_t);
    TB *tb = calloc(1, sz);
    if (!tb) rt_fatal(1, "out of memory for translations");
    char *p = (char *)tb->chain + nslots * sizeof(BeBlockFn);
    tb->nslots = nslots;
    tb->next = (TB **)p;
    p += nslots * sizeof(TB *);
    tb->out = (TBLink *)p;
    p += nslots * sizeof(TBLink);
    tb->npages = npages;
    tb->pnext = (TB **)p;
    p += npages * sizeof(TB *);
    tb->pprev = (TB ***)p;
    p += npages * sizeof(TB **);
    tb->pages = (uint32_t *)p;
    p += npages * sizeof(uint32_t);
    tb->nranges = nranges;
    tb->ranges = (uint32_t *)p;
    return tb;
}

static TB *tb_new(uint32_t eip, IrBlock *ir) {
    uint32_t p0 = eip / GUEST_PAGE;
    uint32_t p1 = (eip + (ir->guest_len ? ir->guest_len - 1 : 0)) / GUEST_PAGE;
    TB *tb = rt_tb_alloc(BE_MAX_CHAIN, p1 != p0 ? 2 : 1, 0);
    tb->pages[0] = p0;
    if (p1 != p0) tb->pages[1] = p1;
    tb->eip = eip;
    tb->len = ir->guest_len;
    tb->ir = ir;
    tb->interp = be_interp_prepare(ir);
    tb->nir = ir->n;
    tb->hot_at = rt_opts.tier == TIER_AUTO ? rt_tier_hot_at(ir->n) : rt_opts.hot;
    return tb;
}

TB *rt_tb_get(uint32_t eip) {
    TB *tb = rt_tb_lookup(eip);
    if (tb) return tb;
    uint32_t p0 = eip / GUEST_PAGE, p1 = (p0 + 1) & (NPAGES - 1);
    bool second = false; /* the next page is protected too */
    for (;;) {
        uint64_t t0 = now_ns();
        uint32_t g0 = gen_read(p0), g1 = gen_read(p1);
        int prot = rt_mem_code_page(p0 * GUEST_PAGE);
        if (second) prot |= rt_mem_code_page(p1 * GUEST_PAGE);
        unsigned fl = (prot & PROT_WRITE) ? FE_SMC_CHECKS : 0;
        IrBlock *ir = fe_translate(eip, fl, (rt_opts.dump & DUMP_IN_ASM) ? stderr : NULL);
        bool spans = ir->guest_len && (eip + ir->guest_len - 1) / GUEST_PAGE != p0;
        if (spans && !second) {
            /* The last instruction straddles into the next page: protect
             * that one as well before trusting its bytes. */
            ir_block_free(ir);
            second = true;
            continue;
        }
        if (rt_opts.dump & DUMP_IR) {
            fprintf(stderr, "IR 0x%08x:\n", eip);
            ir_print(stderr, ir);
        }
        ir->precise = rt_precise;
        /* Only --tier=jit compiles every block: elsewhere most blocks stay
         * cold, and LLVM folds what hot ones need (ir/ir.h). */
        if (rt_opts.tier == TIER_JIT)
            ir_optimize(ir);
        else
            ir_optimize_cold(ir);
        if (rt_opts.dump & DUMP_OPT) {
            fprintf(stderr, "OPT 0x%08x:\n", eip);
            ir_print(stderr, ir);
        }
        rt_stats.ir_insts += ir->n;
        tb = tb_new(eip, ir);
        /* Code that keeps changing under its translations (a JIT's buffer,
         * a self-modifying loop) is compiled only once it gets hot, even in
         * jit mode: compiling each short-lived version would cost far more
         * than running it. */
        tb->lazy = rt_opts.tier == TIER_JIT &&
                   __atomic_load_n(&page_drops[p0 & (PGEN_SIZE - 1)], __ATOMIC_RELAXED) >=
                   VOLATILE_PAGE_DROPS;
        tb->fe_flags = (uint8_t)fl;
        tb->precise = ir->precise;
        if (rt_opts.tier == TIER_JIT) {
            ir_block_trim(tb->ir);
        } else {
            /* Auto mode keeps the code bytes of warm blocks, not the IR
             * (about 40 times larger): a block that gets hot is translated
             * again. On a guest-writable page the bytes may change without
             * a write fault: those are copied now (rt_tb_get's page
             * generation check below covers a change meanwhile). */
            if (rt_opts.tier == TIER_AUTO) {
                fe_x87_assume(&tb->x87, eip);
                if (fl & FE_SMC_CHECKS) tb->code_bytes = fe_code_copy(eip, ir->guest_len, &tb->x87);
            }
            ir_block_free(tb->ir);
            tb->ir = NULL;
        }

        lock();
        if (gen_read(p0) != g0 || (spans && gen_read(p1) != g1)) {
            unlock(); /* its bytes may have changed meanwhile */
            rt_tb_destroy(tb);
            continue;
        }
        TB *other = rt_tb_lookup(eip);
        if (other) { /* another thread was faster */
            unlock();
            rt_tb_destroy(tb);
            return other;
        }
        install_locked(tb);
        unlock();
        rt_stats.translate_ns += now_ns() - t0;
        break;
    }
    if (rt_opts.tier == TIER_JIT && !tb->lazy) rt_tb_compile(tb);
    return tb;
}
