#include "frontend/lift.h"

const FeLiftEntry fe_lift_bits[] = {{0, NULL}};
