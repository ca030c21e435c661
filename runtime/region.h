/* Regions: several hot blocks compiled into one host function (tier 1).
 * See runtime/region.c. */
#ifndef XRUN_RUNTIME_REGION_H_
#define XRUN_RUNTIME_REGION_H_

#include <stdbool.h>
#include <stdio.h>

#include "ir/ir.h"

typedef struct TB TB;

/* Whether blocks are compiled as regions (auto mode, XRUN_REGION_BLOCKS > 1). */
bool rt_region_enabled(void);
/* head (claimed for compilation, hot; hir its IR) is the entry of a
 * region worth compiling: form it from head's warm successors (translated
 * again: rt_tb_ir), compile it and install it in head's place. True when
 * done (or head was dropped meanwhile); false when the caller should
 * compile head as a block. */
bool rt_region_compile(TB *head, const IrBlock *hir);
/* --stats lines. */
void rt_region_stats_print(FILE *f);

#endif
