/* Internal to the LLVM backend: inline expansion of the x87 fast path's
 * helpers (frontend/h_x87_fast.h) into x86_fp80 arithmetic. */
#ifndef XRUN_BACKEND_LLVM_F80_H_
#define XRUN_BACKEND_LLVM_F80_H_

#include <stdbool.h>

#include <llvm-c/Core.h>

#include "ir/ir.h"

/* If `in` (a CALL in block b) is a fast x87 helper that can be expanded
 * inline, emit it at bld's position in function fn (marking fn strictfp)
 * and return true with its value (NULL for void) in *out; vals are the
 * lowered IR values. False: emit the call as usual. */
bool be_llvm_f80_call(LLVMBuilderRef bld, LLVMValueRef fn, LLVMValueRef env, const IrBlock *b,
                      const IrInst *in, LLVMValueRef const *vals, LLVMValueRef *out);

/* The lowering keeps the stack registers in SSA values between fast x87
 * operations. begin: a new function. flush: store the ones env lacks, at
 * bld's position (before an exit; forget = also before a call that may
 * read or change them, which must reload them afterwards). */
void be_llvm_f80_begin(void);
void be_llvm_f80_flush(LLVMBuilderRef bld, LLVMValueRef env, bool forget);

#endif
