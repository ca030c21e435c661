/* Backend-neutral rules shared by both tiers (backend/be.h). */
#include "backend/be.h"

BeJumpCacheEntry be_jump_cache[BE_JC_SIZE];

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
