/* Pass pipeline and compaction. */
#include "ir/ir.h"

#include <stdlib.h>

#include "runtime/log.h"

void ir_compact(IrBlock *b) {
    IrRef small_map[2048];
    IrRef *map = b->n <= 2048 ? small_map : malloc(b->n * sizeof *map);
    if (!map) return;
    map[0] = IR_NONE;
    uint32_t j = 1;
    for (uint32_t i = 1; i < b->n; i++) {
        IrInst in = b->insts[i];
        if (in.op == IR_NOP) {
            map[i] = IR_NONE;
            continue;
        }
        for (unsigned k = 0; k < in.nargs; k++)
            in.arg[k] = map[in.arg[k]];
        map[i] = (IrRef)j;
        b->insts[j++] = in;
    }
    b->n = j;
    if (map != small_map) free(map);
}

/* A pass that breaks the IR is an xrun bug: show the IR and stop. */
static void check(const IrBlock *b, const char *pass) {
    char err[256];
    if (ir_verify(b, err, sizeof err) == 0) return;
    rt_error("internal error: IR invalid after %s: %s", pass, err);
    ir_print(stderr, b);
    abort();
}

#ifndef NDEBUG
#define CHECK_RESULT true
#else
#define CHECK_RESULT false
#endif

void ir_optimize(IrBlock *b) {
    bool each = ir_verify_passes;
    ir_opt_getput(b);
    if (each) check(b, "getput");
    ir_opt_fold(b);
    if (each) check(b, "fold");
    ir_opt_getput(b);
    if (each) check(b, "getput (2)");
    ir_opt_dce(b);
    if (each) check(b, "dce");
    ir_compact(b);
    if (each || CHECK_RESULT)
        check(b, each ? "compact" : "optimization (-d verify checks each stage)");
}

void ir_optimize_cold(IrBlock *b) {
    bool each = ir_verify_passes;
    ir_opt_getput(b);
    if (each) check(b, "getput");
    ir_opt_dce(b);
    if (each) check(b, "dce");
    ir_compact(b);
    if (each || CHECK_RESULT)
        check(b, each ? "compact" : "optimization (-d verify checks each stage)");
}
