/*
 * What every front end runs once the store is open, before anything else:
 * finishing an interrupted Initialize All Data/Settings, the factory
 * default key pair, and Auto Erase of expired documents.
 */
#ifndef SVC_OPS_STARTUP_H
#define SVC_OPS_STARTUP_H

#include "config/config.h"
#include "util/err.h"
#include "util/strbuf.h"

/* NOTE gets the lines worth telling the person (each ended by '\n'). */
int op_startup(struct device *dev, struct strbuf *note, struct svc_err *err);

#endif
