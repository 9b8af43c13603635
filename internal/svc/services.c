/* services.c - the C layer's services as the core's C code sees them. */
#include "gev_internal.h"

/* Set by svc.Attach; NULL before (Go unit tests). For C code of the core
 * that logs (reactor/run.c). */
const struct gev_services *gev_svc;
