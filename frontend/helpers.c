/* The helper table (ir/helper.h), built from frontend/helpers.def. */
#include "ir/helper.h"

#include "frontend/h_alu.h"
#include "frontend/h_atomic.h"
#include "frontend/h_core.h"
#include "frontend/h_x87.h"
#include "frontend/h_x87_fast.h"

const IrHelper ir_helpers[H__COUNT] = {
#define HELPER(id, fn, flags, ret, nargs, a0, a1, a2, a3)                                          \
    [H_##id] = {#id, (void *)(fn), (ret), (nargs), {(a0), (a1), (a2), (a3)}, (flags)},
#include "frontend/helpers.def"
#undef HELPER
};
