/* C helpers of the alu family; rows in frontend/h_alu.def. */
#ifndef XRUN_FRONTEND_H_ALU_H_
#define XRUN_FRONTEND_H_ALU_H_

#include <stdint.h>

#include "runtime/cpu.h"

#endif
