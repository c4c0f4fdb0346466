/*
 * case_ops.h - what happens to a case, without HTTP: intake (route and store a new case),
 * one action by an actor, and the deadline sweep. The API handlers, the Open311 endpoint
 * and the command line share these. Each runs inside the caller's transaction.
 */
#ifndef GR_CASE_OPS_H
#define GR_CASE_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/case.h"
#include "../core/matter.h"
#include "../store/store.h"

/* A new case as intake receives it, already checked for shape (texts non-empty and within
 * limits). The location is a point inside the city with its grid's ancestors in anc, or a
 * building (or unit) whose ancestors the store gives. */
struct gr_intake {
    const char *channel; /* "web", "patrol", "hotline", "open311", "import" */
    const char *matter_code;
    const char *description;
    const char *address;
    bool has_point;
    double lat, lon;
    struct gr_anc anc; /* of the grid the point lies in (has_point) */
    int64_t building_id, unit_id;
    int64_t requester_user_id, api_key_id;
    const char *requester_name, *requester_phone, *requester_email;
    bool anonymous;
    const char *token; /* Open311: given when the id is not known at once; may be NULL */
    int64_t actor_user_id;
    int64_t now;
};

/* Why an operation failed, for the reply: the result code, the field at fault (or NULL)
 * and a message (static English). */
struct gr_case_fail {
    enum gr_err err;
    const char *field;
    const char *why;
};

/* The matter a case would route under now (the current published version): GR_ENOTFOUND
 * with field "matter_code" when no such matter is published. */
enum gr_err gr_case_matter(struct gr_store *st, const char *code, int64_t now, int *version,
                           struct gr_matter *m, struct gr_case_fail *f);

/* Route and store a new case (status submitted) with its event, rollups and notices.
 * *out is the stored case (its texts valid until gr_store_release). */
enum gr_err gr_case_intake(struct gr_store *st, const struct gr_intake *in, struct gr_case *out,
                           struct gr_case_fail *f);

/* The caller's relation to a case (a bit set of enum gr_cactor), from its grants. Reads the
 * summoned departments when the caller holds a department grant. */
unsigned gr_case_actor(struct gr_store *st, const struct gr_principal *p, const struct gr_case *c);
/* May the caller see the case at all (any relation, or a node grant above it)? */
bool gr_case_visible(const struct gr_principal *p, const struct gr_case *c, unsigned actor);
/* May the caller see the requester's name, phone and address? (those handling it) */
bool gr_case_personal(unsigned actor);

/* One action's input, as parsed from the request (unused members zero). */
struct gr_case_act {
    enum gr_caction action;
    const char *note;
    bool public_note;       /* the note is shown to the public (status_notes) */
    int64_t into;           /* merge */
    int64_t owner_org_id;   /* dispatch: a department, or */
    int64_t owner_node_id;  /* a node on the case's chain; neither: the routed owner */
    const int64_t *org_ids; /* summon */
    size_t n_org_ids;
    int64_t until;                     /* request_extension: the deadline asked for */
    const char *review_on;             /* hold: "YYYY-MM-DD" */
    enum gr_resolved resolved;         /* rate */
    enum gr_satisfaction satisfaction; /* rate */
    const char *comment;               /* rate */
    int64_t as_org; /* report_in, and resolve by a summoned department: which one */
};

/* Take one action on case id as actor (a bit set) by user (0: the system). On success
 * *out is the case after it. */
enum gr_err gr_case_act(struct gr_store *st, int64_t id, unsigned actor, int64_t user,
                        const struct gr_case_act *a, int64_t now, struct gr_case *out,
                        struct gr_case_fail *f);

/* The sweep as of now: cases past their deadline are marked red (once) and escalated one
 * level up where there is one (both levels notified); cases due within the warning window
 * (a quarter of the limit, at least one working hour) are marked yellow. fn (may be NULL)
 * hears each escalation. Runs in pages, each in its own transaction. */
struct gr_sweep_report {
    int64_t examined, escalated, red, yellow;
};
typedef void (*gr_sweep_fn)(void *ctx, const struct gr_case *c, const char *from_level,
                            const char *to_level);
enum gr_err gr_case_sweep(struct gr_store *st, int64_t now, gr_sweep_fn fn, void *ctx,
                          struct gr_sweep_report *rep);

/* The owner of a case for display: the department's or the node's name (from the store). */
const char *gr_case_owner_name(struct gr_store *st, const struct gr_case *c);

#endif
