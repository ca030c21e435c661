#include "syscalls/sys.h"
