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

/* A pipeline: passes in order, each with the name -d verify reports. */
typedef struct Pass {
    void (*run)(IrBlock *b);
    const char *name;
} Pass;

/* Run the passes, then ir_compact; verify after each one with -d verify,
 * and the result in debug builds. */
static void run_pipeline(IrBlock *b, const Pass *p, unsigned n) {
    bool each = ir_verify_passes;
    for (unsigned i = 0; i < n; i++) {
        p[i].run(b);
        if (each) check(b, p[i].name);
    }
    ir_compact(b);
    if (each || CHECK_RESULT)
        check(b, each ? "compact" : "optimization (-d verify checks each stage)");
}

void ir_optimize(IrBlock *b) {
    static const Pass full[] = {{ir_opt_getput, "getput"},
                                {ir_opt_fold, "fold"},
                                {ir_opt_getput, "getput (2)"},
                                {ir_opt_dce, "dce"}};
    run_pipeline(b, full, sizeof full / sizeof *full);
}

void ir_optimize_cold(IrBlock *b) {
    static const Pass cold[] = {{ir_opt_getput, "getput"}, {ir_opt_dce, "dce"}};
    run_pipeline(b, cold, sizeof cold / sizeof *cold);
}
