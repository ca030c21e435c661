#include "runtime/loader.h"
