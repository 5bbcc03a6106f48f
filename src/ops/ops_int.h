/* Shared between the operation files of src/ops only. */
#ifndef SVC_OPS_INT_H
#define SVC_OPS_INT_H

#include "ops/op.h"

/* --encrypt: asks the backup passphrase twice into c->in[0] (at least
 * BACKUP_PASSPHRASE_MIN characters); nothing without the flag. */
int ops_backup_passphrase(struct op_ctx *c, struct svc_err *err);

/* The inboxes' settings and the MAC lists in settings export and import
 * (src/ops/transfer.c). */
extern const struct config_section ops_transfer_sections[];

#endif
