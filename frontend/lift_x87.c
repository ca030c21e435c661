#include "frontend/lift.h"

const FeLiftEntry fe_lift_x87[] = {{0, NULL}};
