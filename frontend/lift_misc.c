#include "frontend/lift.h"

const FeLiftEntry fe_lift_misc[] = {{0, NULL}};
