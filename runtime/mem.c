#include "runtime/mem.h"
