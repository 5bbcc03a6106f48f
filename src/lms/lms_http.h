/* `svcmode-lms serve`: the HTTP(S) server of the LMS's API and pages. */
#ifndef SVC_LMS_HTTP_H
#define SVC_LMS_HTTP_H

#include "lms/lms_api.h"

/* Serves until SIGTERM or SIGINT: 0 after a clean stop, -1 if it cannot
 * start (bad --listen, address in use, unreadable certificate, bad db). */
int lms_serve(const struct lms_serve_opts *o, struct svc_err *err);

#endif
