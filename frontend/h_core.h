/* C helpers of the core family; rows in frontend/h_core.def. */
#ifndef XRUN_FRONTEND_H_CORE_H_
#define XRUN_FRONTEND_H_CORE_H_

#include <stdint.h>

#include "runtime/cpu.h"

uint32_t h_get_eflags(CPUState *env);
uint8_t h_cond(CPUState *env, uint32_t cc);

#endif
