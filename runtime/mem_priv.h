/* Guest address space: knobs used only by the loader (not part of mem.h). */
#ifndef XRUN_RUNTIME_MEM_PRIV_H_
#define XRUN_RUNTIME_MEM_PRIV_H_

#include <stdbool.h>

/* READ_IMPLIES_EXEC personality, as Linux sets it for i386 programs without
 * PT_GNU_STACK: every later PROT_READ mapping or mprotect also gets
 * PROT_EXEC in the guest page table. */
void rt_mem_set_read_implies_exec(bool on);

#endif
