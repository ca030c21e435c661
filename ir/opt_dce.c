/* Dead code elimination: unused pure instructions and unused calls of
 * HF_PURE helpers, or of helpers that only read CPUState (h_cond: a
 * condition of lazy flags whose user went away), become NOPs (ir_compact removes them). One backward scan
 * suffices because operands always precede their users. */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

#include "ir/helper.h"

/* True when instruction in can be dropped if its value is unused. */
static bool removable(const IrInst *in) {
    if (in->op == IR_CALL) {
        if (in->imm >= H__COUNT) return false;
        uint8_t f = ir_helpers[in->imm].flags;
        return (f & HF_PURE) || f == HF_READS_ENV;
    }
    return (ir_op_info[in->op].flags & IRF_PURE) != 0;
}

void ir_opt_dce(IrBlock *b) {
    uint8_t small_live[4096];
    uint8_t *live = b->n <= sizeof small_live ? small_live : malloc(b->n);
    if (!live) return;
    memset(live, 0, b->n);
    for (uint32_t i = b->n; i-- > 1;) {
        IrInst *in = &b->insts[i];
        if (in->op == IR_NOP) continue;
        if (!live[i] && removable(in)) {
            in->op = IR_NOP;
            in->nargs = 0;
            continue;
        }
        for (unsigned k = 0; k < in->nargs; k++)
            live[in->arg[k]] = 1;
    }
    if (live != small_live) free(live);
}
