/* The LLVM backend module's entry point (backend/llvm_load.c loads it):
 * xrun_llvm_ops() returns the backend's functions, the be_llvm_* of
 * backend/be.h. The version changes whenever this table or a structure
 * both sides share (IrBlock, CPUState, the helper table) changes layout in
 * a way that matters: a module from another build is refused. */
#ifndef XRUN_BACKEND_LLVM_OPS_H_
#define XRUN_BACKEND_LLVM_OPS_H_

#include "backend/be.h"

#define XRUN_LLVM_MODULE_NAME "xrun-llvm.so"
#define BE_LLVM_OPS_VERSION (3u << 16 | (unsigned)sizeof(CPUState))

typedef struct BeLlvmOps {
    unsigned version;
    int (*init)(void);
    BeBlockFn (*compile_owned)(const IrBlock *b, BeBlockFn *chain, FILE *dump, BeJitCode **code);
    unsigned (*compile_batch)(const IrBlock *const *bs, BeBlockFn *const *chains, unsigned n,
                              unsigned flags, FILE *dump, BeBlockFn *fns, BeJitCode **code);
    BeBlockFn (*compile_region)(const BeRegion *r, FILE *dump, BeJitCode **code);
    void (*free_code)(BeJitCode *code);
    void (*lock_all)(void);
    void (*unlock_all)(void);
    void (*fini)(void);
} BeLlvmOps;

#endif
