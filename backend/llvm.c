#include "backend/be.h"
