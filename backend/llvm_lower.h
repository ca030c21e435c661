/* Internal to the LLVM backend: lowering of one IrBlock to an LLVM function.
 * backend/llvm.c drives the JIT; backend/llvm_lower.c builds the IR. */
#ifndef XRUN_BACKEND_LLVM_LOWER_H_
#define XRUN_BACKEND_LLVM_LOWER_H_

#include <stddef.h>

#include <llvm-c/Core.h>

#include "backend/be.h"
#include "ir/ir.h"

/* Lower b into a new function `i32 name(ptr env)` of mod. Exits with chain
 * slot k tail-call through chain[k] when it is non-NULL (chain may be NULL:
 * then no exit chains). Returns the function, or NULL with a one-line reason
 * in err (the partly built function is deleted). */
LLVMValueRef be_llvm_lower(LLVMModuleRef mod, const IrBlock *b, BeBlockFn *chain, const char *name,
                           char *err, size_t errlen);

/* Lower region R (backend/be.h) into one function `i32 name(ptr env)`. */
LLVMValueRef be_llvm_lower_region(LLVMModuleRef mod, const BeRegion *R, const char *name, char *err,
                                  size_t errlen);

#endif
