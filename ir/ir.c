/* stub: to be written */
#include "ir/ir.h"
