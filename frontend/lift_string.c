#include "frontend/lift.h"

const FeLiftEntry fe_lift_string[] = {{0, NULL}};
