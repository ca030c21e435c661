#include "frontend/lift.h"

const FeLiftEntry fe_lift_ctrl[] = {{0, NULL}};
