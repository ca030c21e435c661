#include "frontend/lift.h"
