/* Region formation (runtime/region.h).
 *
 * When a block gets hot in auto mode, the compiler looks at where it goes:
 * each JUMP exit with a constant target whose block is translated, has its
 * IR and is warm (compiled already, or run at least a quarter of
 * XRUN_HOT times) joins, breadth first from the hot block, up to
 * XRUN_REGION_BLOCKS blocks, REGION_MAX_IR IR instructions and
 * REGION_MAX_INSNS guest instructions. backend/llvm_lower.c compiles the
 * members into one function: edges between members are branches (a hot
 * loop runs as a host loop, registers and lazy flags in SSA values),
 * every other exit leaves through the region's own chain slots.
 *
 * The region is a TB of its own (runtime/tcache.h) that replaces the entry
 * block in the cache: same eip, the entry block's IR and interpreter form
 * (so it runs as that block would if ever interpreted), more exit slots,
 * and one page-list node per page of its members with their code ranges,
 * so a write to any member's code drops it. Compiled region code polls its
 * TB's `dead` flag on back edges and after members that store, so a
 * dropped region is left at the next block boundary; its memory is freed
 * after quiescence like a block's.
 *
 * Members stay blocks of their own. One that is entered from elsewhere and
 * gets hot is compiled as a block, not as the entry of yet another region
 * (the region already holds it): that keeps the compile work near one
 * compile per hot block.
 *
 * Concurrency: formation runs on the thread compiling `head` (the compiler
 * thread, or a guest thread without one), between two of its quiescent
 * points, so every TB it finds by lookup stays allocated until it is done;
 * the install re-checks under the cache lock that none was dropped.
 */
#include "runtime/region.h"

#include <stdlib.h>
#include <time.h>

#include "backend/be.h"
#include "runtime/dispatch.h"
#include "runtime/mem.h"
#include "runtime/opts.h"
#include "runtime/tcache.h"
#include "runtime/tierup.h"

#define REGION_MAX_BLOCKS 64
#define REGION_MAX_IR 3000
#define REGION_MAX_INSNS 600

static struct {
    uint64_t regions, blocks, insns, ns, failed, skipped, deferred;
} S;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool rt_region_enabled(void) {
    return rt_opts.tier == TIER_AUTO && rt_opts.region_blocks > 1;
}

/* Whether t may join a region whose entry has IR `h`. */
static bool joinable(TB *t, const IrBlock *h) {
    if (__atomic_load_n(&t->dead, __ATOMIC_RELAXED)) return false;
    if ((!__atomic_load_n(&t->code_bytes, __ATOMIC_ACQUIRE) && !t->ir) || !t->len ||
        t->precise != h->precise)
        return false;
    return __atomic_load_n(&t->jit, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&t->execs, __ATOMIC_RELAXED) >= rt_tb_warm_at();
}

/* The constant target of JUMP exit `in` of b, or false. */
static bool const_target(const IrBlock *b, const IrInst *in, uint32_t *t) {
    if ((in->op != IR_EXIT_IF && in->op != IR_EXIT) || in->aux != IR_EXIT_JUMP) return false;
    const IrInst *a = &b->insts[in->arg[in->op == IR_EXIT_IF ? 1 : 0]];
    if (a->op != IR_CONST) return false;
    *t = (uint32_t)a->imm;
    return true;
}

/* The return address a block that ends in a call pushes (a STORE of the
 * constant address right after the block), or 0: the place its callee's
 * ret comes back to. */
static uint32_t return_site(const IrBlock *b) {
    uint32_t after = b->guest_addr + b->guest_len;
    for (uint32_t i = 1; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op == IR_STORE && b->insts[in->arg[1]].op == IR_CONST &&
            (uint32_t)b->insts[in->arg[1]].imm == after)
            return after;
    }
    return 0;
}

/* Whether member b has a JUMP exit with a computed target (ret, jmp *r). */
static bool has_indirect(const IrBlock *b) {
    for (uint32_t i = 1; i < b->n; i++) {
        const IrInst *in = &b->insts[i];
        if ((in->op == IR_EXIT_IF || in->op == IR_EXIT) && in->aux == IR_EXIT_JUMP &&
            b->insts[in->arg[in->op == IR_EXIT_IF ? 1 : 0]].op != IR_CONST)
            return true;
    }
    return false;
}

/* Keep the members that lie on a cycle through the entry: those that can
 * come back to it along edges between members (a computed jump may reach
 * any member that is a call's return site). Straight-line code gains
 * little from a region and costs compile time, loops gain the most. False
 * when no cycle is left. Compacts mem/blk in place, the entry first. */
static bool keep_loop(TB **mem, const IrBlock **blk, uint32_t *np) {
    uint32_t n = *np;
    bool back[REGION_MAX_BLOCKS] = {false}, is_ret[REGION_MAX_BLOCKS] = {false};
    bool indirect[REGION_MAX_BLOCKS];
    for (uint32_t j = 0; j < n; j++) {
        indirect[j] = has_indirect(blk[j]);
        uint32_t r = return_site(blk[j]);
        for (uint32_t k = 0; r && k < n; k++)
            if (blk[k]->guest_addr == r) is_ret[k] = true;
    }
    /* back[j]: j reaches the entry. Iterate to a fixed point (n <= 64). */
    bool changed = true;
    while (changed) {
        changed = false;
        for (uint32_t j = 0; j < n; j++) {
            if (back[j]) continue;
            const IrBlock *b = blk[j];
            bool reach = false;
            for (uint32_t i = 1; i < b->n && !reach; i++) {
                uint32_t t;
                if (!const_target(b, &b->insts[i], &t)) continue;
                for (uint32_t k = 0; k < n && !reach; k++)
                    reach = blk[k]->guest_addr == t && (k == 0 || back[k]);
            }
            for (uint32_t k = 0; indirect[j] && k < n && !reach; k++)
                reach = is_ret[k] && (k == 0 || back[k]);
            if (reach) back[j] = changed = true;
        }
    }
    if (!back[0]) return false;
    uint32_t m = 0;
    for (uint32_t j = 0; j < n; j++)
        if (back[j]) {
            mem[m] = mem[j];
            blk[m++] = blk[j];
        }
    *np = m;
    return true;
}

/* rt_region_compile; the members' IR (translated again) goes in owned[]. */
static bool form_and_compile(TB *head, const IrBlock *hir, IrBlock **owned, unsigned *nowned) {
    if (!rt_region_enabled() || head->region || !hir->guest_len) return false;
    if (head->covered) {
        /* A member of a region: compiled (as a block) only if it still runs
         * outside the region. Else it goes back to being counted. */
        uint32_t since = __atomic_load_n(&head->execs, __ATOMIC_RELAXED) - head->cover_execs;
        if (since >= rt_opts.hot / 2) return false;
        __atomic_store_n(&head->execs, 0, __ATOMIC_RELAXED);
        head->cover_execs = 0;
        __atomic_store_n(&head->compiling, 0, __ATOMIC_RELEASE);
        __atomic_fetch_add(&S.skipped, 1, __ATOMIC_RELAXED);
        return true;
    }
    unsigned cap = rt_opts.region_blocks < REGION_MAX_BLOCKS ? rt_opts.region_blocks
                                                              : REGION_MAX_BLOCKS;
    TB *mem[REGION_MAX_BLOCKS];
    const IrBlock *blk[REGION_MAX_BLOCKS];
    uint32_t n = 1, ir_total = hir->n, insns = hir->guest_insns;
    bool inner = false; /* some edge stays inside */
    mem[0] = head;
    blk[0] = hir;
    for (uint32_t q = 0; q < n; q++) {
        const IrBlock *b = blk[q];
        uint32_t ret = return_site(b);
        for (uint32_t i = 1; i <= b->n; i++) {
            uint32_t t;
            if (i == b->n) { /* after the exits: where a call returns to */
                if (!ret) break;
                t = ret;
            } else if (!const_target(b, &b->insts[i], &t)) {
                continue;
            }
            bool have = false;
            for (uint32_t j = 0; j < n && !have; j++) have = blk[j]->guest_addr == t;
            if (have) {
                inner = true;
                continue;
            }
            if (n >= cap) continue;
            TB *c = rt_tb_lookup(t);
            if (!c || !joinable(c, hir) || *nowned >= REGION_MAX_BLOCKS) continue;
            IrBlock *cir = rt_tb_ir(c);
            if (!cir) continue;
            owned[(*nowned)++] = cir;
            if (cir->guest_addr != t || ir_total + cir->n > REGION_MAX_IR ||
                insns + cir->guest_insns > REGION_MAX_INSNS)
                continue;
            mem[n] = c;
            blk[n++] = cir;
            ir_total += cir->n;
            insns += cir->guest_insns;
            inner = true;
        }
    }
    if (!inner) return false; /* a block of its own is all there is */
    if (!keep_loop(mem, blk, &n)) return false;
    ir_total = insns = 0;
    for (uint32_t j = 0; j < n; j++) {
        ir_total += blk[j]->n;
        insns += blk[j]->guest_insns;
    }
    /* A region costs several times a block's compile: until its entry has
     * run often enough to pay for it, the entry goes back to the
     * interpreter (its loop's other blocks get compiled meanwhile, and
     * join the region when it is formed). */
    uint64_t need = rt_tier_region_at(ir_total);
    uint32_t execs = __atomic_load_n(&head->execs, __ATOMIC_RELAXED);
    if (execs < need) {
        __atomic_store_n(&head->hot_at, need > UINT32_MAX ? UINT32_MAX : (uint32_t)need,
                         __ATOMIC_RELAXED);
        __atomic_store_n(&head->compiling, 0, __ATOMIC_RELEASE);
        __atomic_fetch_add(&S.deferred, 1, __ATOMIC_RELAXED);
        return true;
    }

    uint64_t t0 = now_ns();
    /* Pages and code ranges of the members. */
    uint32_t pages[2 * REGION_MAX_BLOCKS], np = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t lo = blk[j]->guest_addr / GUEST_PAGE;
        uint32_t hi = (blk[j]->guest_addr + blk[j]->guest_len - 1) / GUEST_PAGE;
        for (uint32_t p = lo; p <= hi; p++) {
            bool have = false;
            for (uint32_t k = 0; k < np && !have; k++) have = pages[k] == p;
            if (!have) pages[np++] = p;
        }
    }
    BeRegion R = {.nblocks = n, .blocks = blk};
    uint32_t nslots = be_region_slots(&R);
    TB *r = rt_tb_alloc(nslots > BE_MAX_CHAIN ? nslots : BE_MAX_CHAIN, np, n);
    for (uint32_t k = 0; k < np; k++) r->pages[k] = pages[k];
    for (uint32_t j = 0; j < n; j++) {
        r->ranges[2 * j] = blk[j]->guest_addr;
        r->ranges[2 * j + 1] = blk[j]->guest_addr + blk[j]->guest_len;
    }
    /* Its own interpreter form of the entry block: threads may be running
     * head's right now, and head is freed after quiescence. */
    r->interp = be_interp_prepare(hir);
    /* and the code it comes from, so that it may join other regions */
    r->code_bytes = fe_code_dup(__atomic_load_n(&head->code_bytes, __ATOMIC_ACQUIRE));
    r->x87 = head->x87;
    r->fe_flags = head->fe_flags;
    r->precise = head->precise;
    r->eip = head->eip;
    r->len = head->len;
    r->region = true;
    r->compiling = 1;
    R.chain = r->chain;
    R.dead = &r->dead;
    BeJitCode *code = NULL;
    BeBlockFn fn = be_llvm_compile_region(&R, (rt_opts.dump & DUMP_LLVM) ? stderr : NULL, &code);
    if (!fn) {
        __atomic_fetch_add(&S.failed, 1, __ATOMIC_RELAXED);
        rt_tb_destroy(r);
        return false;
    }
    r->code = code;
    r->jt = (BeJumpTarget){r->eip, fn};
    r->jit = fn;
    if (!rt_tb_install_region(head, r, mem, n)) {
        bool gone = __atomic_load_n(&head->dead, __ATOMIC_RELAXED);
        r->code = NULL;
        rt_tb_destroy(r);
        be_llvm_free(code); /* never published */
        return gone;
    }
    __atomic_fetch_add(&S.regions, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&S.blocks, n, __ATOMIC_RELAXED);
    __atomic_fetch_add(&S.insns, insns, __ATOMIC_RELAXED);
    __atomic_fetch_add(&S.ns, now_ns() - t0, __ATOMIC_RELAXED);
    return true;
}

void rt_region_stats_print(FILE *f) {
    uint64_t n = S.regions;
    fprintf(f,
            "  regions             %llu (%llu failed), %.1f blocks and %.1f guest insns each, "
            "%.3f ms each, %.1f us per guest insn; %llu members left uncompiled, %llu deferred\n",
            (unsigned long long)n, (unsigned long long)S.failed,
            n ? (double)S.blocks / (double)n : 0.0, n ? (double)S.insns / (double)n : 0.0,
            n ? S.ns / 1e6 / (double)n : 0.0, S.insns ? S.ns / 1e3 / (double)S.insns : 0.0,
            (unsigned long long)S.skipped, (unsigned long long)S.deferred);
}

bool rt_region_compile(TB *head, const IrBlock *hir) {
    IrBlock *owned[REGION_MAX_BLOCKS];
    unsigned nowned = 0;
    bool done = form_and_compile(head, hir, owned, &nowned);
    for (unsigned i = 0; i < nowned; i++) ir_block_free(owned[i]);
    return done;
}
