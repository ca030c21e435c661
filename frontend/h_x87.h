/* C helpers of the x87 family; rows in frontend/h_x87.def. */
#ifndef XRUN_FRONTEND_H_X87_H_
#define XRUN_FRONTEND_H_X87_H_

#include <stdint.h>

#include "runtime/cpu.h"

#endif
