/* The translation cache: translated blocks (TB) by guest eip, the guest
 * pages they come from, the links between them, and invalidation.
 * Used by the dispatcher (runtime/dispatch.c); see runtime/tcache.c for
 * the concurrency rules. */
#ifndef XRUN_RUNTIME_TCACHE_H_
#define XRUN_RUNTIME_TCACHE_H_

#include <stdbool.h>
#include <stdint.h>

#include "backend/be.h"
#include "frontend/fe.h"
#include "ir/ir.h"
#include "runtime/epoch.h"
#include "runtime/opts.h"

typedef struct TB TB;

/* An edge from a block's exit slot to the block it leads to: the
 * successor cache next[k] (interpreted runs) and the patched chain slot
 * chain[k] (compiled code) both point at `to`. Listed in to->in so that
 * dropping `to` can clear them. */
typedef struct TBLink {
    TB *from, *to;
    int slot;
    struct TBLink *in_next, **in_pprev;
} TBLink;

struct TB {
    uint32_t eip;
    uint32_t len;   /* guest bytes [eip, eip+len); 0 for a fetch fault */
    uint32_t execs; /* interpreted runs, for tier-up */
    uint32_t hot_at; /* execs at which it is queued (runtime/tierup.h) */
    uint32_t qexecs; /* execs when it was queued (runtime/jitq.c) */
    uint32_t nir;    /* IR instructions (the cost model's size) */
    uint64_t qtime;  /* when it was queued (CLOCK_MONOTONIC ns) */
    uint32_t dead;  /* set (atomically, under the cache lock) when dropped */
    uint32_t compiling; /* claimed for compilation (queued, or being compiled) */
    bool jit_failed;
    bool queued;        /* in the compile queue (runtime/jitq.c, under its lock) */
    TB *qnext, *qprev;  /* the compile queue */
    bool lazy; /* jit mode: compile when hot, as in auto mode (volatile page) */
    TB *hnext;                  /* hash chain (read lock-free) */
    /* Page lists: one node per guest page holding its code (a block: the
     * page of eip and, when it straddles, the next; a region: every page
     * of its members). */
    uint32_t npages;
    uint32_t *pages;
    TB **pnext, ***pprev;
    /* A region (runtime/region.h): its members' code as nranges pairs
     * [lo, hi); blocks have none and use [eip, eip+len). */
    uint32_t nranges;
    uint32_t *ranges;
    bool region;  /* jit is a region's code; ir/interp are its entry block's */
    bool covered; /* a member (not the entry) of some region compiled so far */
    uint32_t cover_execs; /* execs when it was first covered */
    IrBlock *ir;                /* kept until compiled (jit mode) */
    FeCode *code_bytes;         /* auto mode, once warm: its guest code, to translate again
                                   (rt_tb_ir); set once, read with acquire */
    FeX87Assume x87;            /* what its translation's x87 fast path assumed */
    uint8_t fe_flags;           /* FE_* it was translated with */
    bool precise;               /* translated in precise mode */
    BeInterpBlock *interp;
    BeBlockFn jit;
    BeJumpTarget jt;            /* {eip, jit} for the jump cache, filled before jit is set */
    BeJitCode *code;            /* owns jit's host memory */
    uint32_t nslots;            /* exit slots: BE_MAX_CHAIN for a block, more in a region */
    TB **next;                  /* [nslots] successor cache for interpreted runs */
    TBLink *out;                /* [nslots] */
    TBLink *in;
    RtRetired retire;
    BeBlockFn chain[];          /* [nslots] patched by the dispatcher, read by JIT code */
};

/* The TB whose chain[] array is `chain` (env->last_chain). */
static inline TB *rt_tb_of_chain(void *chain)
{
    return (TB *)((char *)chain - __builtin_offsetof(TB, chain));
}

/* A TB with room for nslots exit slots, npages page-list nodes and nranges
 * code ranges, zeroed (aborts when out of memory). */
TB *rt_tb_alloc(uint32_t nslots, uint32_t npages, uint32_t nranges);
/* Free a TB that was never installed (its ir and interp too). */
void rt_tb_destroy(TB *tb);
/* Put region r (compiled, filled by runtime/region.c) in place of the
 * block `head`, its entry, unless head or one of the members has been
 * dropped meanwhile. True when installed. */
bool rt_tb_install_region(TB *head, TB *r, TB *const *members, uint32_t n);
/* Hook the cache to runtime/mem.c (code changes, write faults). */
void rt_tcache_init(void);
/* Lock-free lookup of a live or recently dropped TB for eip. */
TB *rt_tb_lookup(uint32_t eip);
/* The TB for eip: found, or translated and installed now. */
TB *rt_tb_get(uint32_t eip);
/* Compile tb with LLVM now, on this thread (once; on failure it stays
 * interpreted for good). */
void rt_tb_compile(TB *tb);
/* tb got hot: queue it for the compiler thread (runtime/jitq.h), or
 * compile it now when there is none. */
void rt_tb_hot(TB *tb);
/* Runs after which an interpreted block is warm (auto mode): its code bytes
 * are kept from then on, and it may join a region. */
static inline uint32_t rt_tb_warm_at(void) {
    return rt_opts.hot / 4 ? rt_opts.hot / 4 : 1;
}
/* tb just got warm: keep its code bytes (read from guest memory: its pages
 * are write-protected while it lives, so they are the bytes it was
 * translated from). */
void rt_tb_warm(TB *tb);
/* A fresh, fully optimized IR of tb for compiling: translated again from
 * tb->code_bytes (without reading guest memory), or a copy of tb->ir. NULL
 * when there is neither, or the new translation is not the same block. The
 * caller frees it. */
IrBlock *rt_tb_ir(const TB *tb);
/* Auto mode with XRUN_BASE_AT=N (experimental, off by default): tb ran N
 * times; compile it with the baseline compiler (backend/x64.c) now, on this
 * thread. It is then no longer interpreted, so no longer counted, and never
 * goes on to LLVM (tier-up from baseline code is not built yet). */
void rt_tb_baseline(TB *tb);
/* The compile of a tb already claimed (tb->compiling set). */
void rt_tb_compile_claimed(TB *tb);
/* The same for n claimed blocks (n <= RT_JIT_BATCH_MAX): those that do not
 * start a region are compiled together, in one LLVM module (flags: BE_FAST
 * or 0, backend/be.h). */
void rt_tb_compile_batch(TB *const *tbs, unsigned n, unsigned flags);
/* Remember that src's exit slot leads to `to` (interpreted successor
 * cache; and, when to is compiled and src is compiled, patch the chain
 * slot). Ignored when either block has been dropped. */
void rt_tb_link(TB *src, int slot, TB *to, bool patch_chain);
/* Put tb (compiled) in the jump cache. */
void rt_tb_jc_fill(TB *tb);
/* Changes whenever translations are dropped: a dispatcher holding a TB
 * pointer across a quiescent point must drop it when this moved. Inline:
 * the dispatcher reads it once per block. */
extern uint64_t rt_tb_gen_; /* internal to tcache.c */
static inline uint64_t rt_tb_generation(void) {
    return __atomic_load_n(&rt_tb_gen_, __ATOMIC_SEQ_CST);
}
/* Number of live TBs. */
uint64_t rt_tb_count(void);

#endif
