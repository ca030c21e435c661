/* Pass pipeline and compaction. */
#include "ir/ir.h"

#include <stdlib.h>

#include "runtime/log.h"

void ir_compact(IrBlock *b) {
    IrRef *map = calloc(b->n, sizeof *map);
    if (!map) return;
    uint32_t j = 1;
    for (uint32_t i = 1; i < b->n; i++) {
        IrInst in = b->insts[i];
        if (in.op == IR_NOP) continue;
        for (unsigned k = 0; k < in.nargs; k++)
            in.arg[k] = map[in.arg[k]];
        map[i] = (IrRef)j;
        b->insts[j++] = in;
    }
    b->n = j;
    free(map);
    /* Give back the builder's spare room: a block waiting to be compiled
     * keeps its IR (auto mode), and thousands of them wait at times. */
    if (b->cap > j + 8) {
        IrInst *shrunk = realloc(b->insts, j * sizeof *b->insts);
        if (shrunk) {
            b->insts = shrunk;
            b->cap = j;
        }
    }
}

#ifndef NDEBUG
/* Debug builds: a pass that breaks the IR is an xrun bug; show the IR and stop. */
static void check(const IrBlock *b, const char *pass) {
    char err[256];
    if (ir_verify(b, err, sizeof err) == 0) return;
    rt_error("internal error: IR invalid after %s: %s", pass, err);
    ir_print(stderr, b);
    abort();
}
#define CHECK(b, pass) check(b, pass)
#else
#define CHECK(b, pass) ((void)0)
#endif

void ir_optimize(IrBlock *b) {
    ir_opt_getput(b);
    CHECK(b, "getput");
    ir_opt_fold(b);
    CHECK(b, "fold");
    ir_opt_getput(b);
    CHECK(b, "getput (2)");
    ir_opt_dce(b);
    CHECK(b, "dce");
    ir_compact(b);
    CHECK(b, "compact");
}
