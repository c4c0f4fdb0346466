/* cli_int.h - helpers shared by the sub-commands that make databases. */
#ifndef GR_CLI_INT_H
#define GR_CLI_INT_H

#include "../store/store.h"

/* Create a new database at path (refusing an existing file) with the user admin holding
 * the admin role; prints what went wrong. */
enum gr_err gr_cli_new_db(const char *path, const char *admin_password, struct gr_store **out);
/* Check a password's length (8..128 bytes); prints what is wrong. */
bool gr_cli_password_ok(const char *opt, const char *pw);

#endif
