#include "check_impl.h"
