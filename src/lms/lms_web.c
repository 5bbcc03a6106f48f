/* The LMS's web pages for engineers; see lms_api.h. */
#include "lms/lms_api.h"

int
lms_web_handle(struct lms_req *r)
{
	(void)r;
	return 0;
}
