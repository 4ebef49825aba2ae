#include "rows_impl.h"
