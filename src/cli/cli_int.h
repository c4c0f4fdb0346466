/* cli_int.h - helpers shared by the sub-commands that make databases. */
#ifndef GR_CLI_INT_H
#define GR_CLI_INT_H

#include "../store/store.h"

/* Create a new database at path (refusing an existing file) with the user admin holding
 * the admin role; prints what went wrong. */
enum gr_err gr_cli_new_db(const char *path, const char *admin_password, struct gr_store **out);
/* Check a password's length (8..128 bytes); prints what is wrong. */
bool gr_cli_password_ok(const char *opt, const char *pw);

/* Seed the demo's consultations in the community of the demo logins: staff and resident
 * are the user ids of the community staff and of the resident (of grid). */
enum gr_err gr_cli_demo_consult(struct gr_store *st, int64_t community, int64_t grid, int64_t staff,
                                int64_t resident);

#endif
