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

/* The demo logins as the demo made them (0 where one is missing): for each level the node
 * of its staff login (the grid: the grid worker's) and that login's user; the resident and
 * their grid; the department handler and their department. */
struct gr_cli_demo_who {
    int64_t node[GR_N_LEVELS + 1], user[GR_N_LEVELS + 1];
    int64_t resident, resident_grid;
    int64_t dept_org, dept_user;
};

/* The case catalogues (event and part classes, power types), the national working calendar
 * and the demo duty list, published by admin as in effect from a year and a few days before
 * now, so that a year of history routes under it. Prints what went wrong. */
enum gr_err gr_cli_demo_catalogue(struct gr_store *st, int64_t admin, int64_t now);

/* n_cases cases over the year before now, deterministic for seed and now, with
 * their events; some open ones in the inboxes of the grid and department logins. Written in
 * bulk mode: the caller recounts the figures. *n_open counts those still open. */
enum gr_err gr_cli_demo_cases(struct gr_store *st, const struct gr_cli_demo_who *who, uint64_t seed,
                              int64_t n_cases, int64_t now, int64_t *n_open);

#endif
