#include "frontend/lift.h"

const FeLiftEntry fe_lift_alu[] = {{0, NULL}};
