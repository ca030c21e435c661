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
