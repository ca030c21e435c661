/* Backend-neutral rules shared by both tiers (backend/be.h). */
#include "backend/be.h"

const BeJumpTarget *be_jump_cache[BE_JC_SIZE];

void be_jc_forget(const BeJumpTarget *t) {
    const BeJumpTarget *want = t;
    __atomic_compare_exchange_n(&be_jump_cache[be_jc_index(t->eip)], &want, NULL, false,
                                __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

void be_jc_clear(void) {
    for (uint32_t i = 0; i < BE_JC_SIZE; i++)
        __atomic_store_n(&be_jump_cache[i], NULL, __ATOMIC_RELEASE);
}

int be_exit_slot(const IrBlock *b, IrRef ref) {
    int k = 0;
    for (uint32_t i = 1; i < b->n && k < BE_MAX_CHAIN; i++) {
        const IrInst *in = &b->insts[i];
        if (in->op != IR_EXIT_IF && in->op != IR_EXIT) continue;
        IrRef target = in->arg[in->op == IR_EXIT_IF ? 1 : 0];
        bool chainable = in->aux == IR_EXIT_JUMP && b->insts[target].op == IR_CONST;
        if (i == ref) return chainable ? k : -1;
        if (chainable) k++;
    }
    return -1;
}

/* ---- regions ---------------------------------------------------------- */

int be_region_member(const BeRegion *r, uint32_t eip) {
    for (uint32_t i = 0; i < r->nblocks; i++)
        if (r->blocks[i]->guest_addr == eip) return (int)i;
    return -1;
}

/* Whether exit instruction `in` of b leaves the region through a slot:
 * a JUMP to a constant outside the region. */
static bool region_chainable(const BeRegion *r, const IrBlock *b, const IrInst *in) {
    if (in->op != IR_EXIT_IF && in->op != IR_EXIT) return false;
    IrRef target = in->arg[in->op == IR_EXIT_IF ? 1 : 0];
    if (in->aux != IR_EXIT_JUMP || b->insts[target].op != IR_CONST) return false;
    return be_region_member(r, (uint32_t)b->insts[target].imm) < 0;
}

int be_region_slot(const BeRegion *r, uint32_t bi, IrRef ref) {
    int k = 0;
    for (uint32_t j = 0; j < r->nblocks && j <= bi; j++) {
        const IrBlock *b = r->blocks[j];
        for (uint32_t i = 1; i < b->n; i++) {
            bool ch = region_chainable(r, b, &b->insts[i]);
            if (j == bi && i == ref) return ch && k < BE_REGION_MAX_SLOTS ? k : -1;
            if (ch) k++;
        }
    }
    return -1;
}

uint32_t be_region_slots(const BeRegion *r) {
    uint32_t k = 0;
    for (uint32_t j = 0; j < r->nblocks; j++)
        for (uint32_t i = 1; i < r->blocks[j]->n; i++)
            if (region_chainable(r, r->blocks[j], &r->blocks[j]->insts[i])) k++;
    return k < BE_REGION_MAX_SLOTS ? k : BE_REGION_MAX_SLOTS;
}
