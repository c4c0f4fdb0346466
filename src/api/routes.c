/*
 * routes.c - the one route table. First match wins: specific routes come before the
 * generic /api/v1/{kind} ones.
 */
#include "api.h"

#define GETH GR_GET | GR_HEAD
#define BOUNDARY_LIMIT (8u << 20)

const struct gr_route gr_routes[] = {
    {GETH, "/healthz", gr_h_health, GR_AUTH_NONE, 0},
    {GETH, "/metrics", gr_h_metrics, GR_AUTH_NONE, 0},
    {GETH, "/api/v1/meta", gr_h_meta, GR_AUTH_NONE, 0},
    {GR_PUT, "/api/v1/settings/level_names", gr_h_level_names_put, GR_AUTH_USER, 0},
    {GETH, "/api/v1/locate", gr_h_locate, GR_AUTH_NONE, 0},
    {GR_POST, "/api/v1/session", gr_h_session_create, GR_AUTH_NONE, 0},
    {GETH, "/api/v1/session", gr_h_session_get, GR_AUTH_USER, 0},
    {GR_DELETE, "/api/v1/session", gr_h_session_delete, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/tokens", gr_h_tokens_create, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/users", gr_h_users_create, GR_AUTH_USER, 0},
    {GETH, "/api/v1/users", gr_h_users_list, GR_AUTH_USER, 0},
    {GETH, "/api/v1/users/{}", gr_h_users_get, GR_AUTH_USER, 0},
    {GETH, "/api/v1/geo", gr_h_geo, GR_AUTH_USER, 0},
    {GETH, "/api/v1/nodes", gr_h_nodes_list, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/nodes", gr_h_nodes_create, GR_AUTH_USER, BOUNDARY_LIMIT},
    {GETH, "/api/v1/nodes/{}", gr_h_nodes_get, GR_AUTH_USER, 0},
    {GR_PATCH, "/api/v1/nodes/{}", gr_h_nodes_update, GR_AUTH_USER, 0},
    {GR_DELETE, "/api/v1/nodes/{}", gr_h_nodes_delete, GR_AUTH_USER, 0},
    {GETH, "/api/v1/nodes/{}/children", gr_h_nodes_children, GR_AUTH_USER, 0},
    {GETH, "/api/v1/nodes/{}/coverage", gr_h_nodes_coverage, GR_AUTH_USER, 0},
    {GETH, "/api/v1/nodes/{}/boundary", gr_h_nodes_boundary_get, GR_AUTH_USER, 0},
    {GR_PUT, "/api/v1/nodes/{}/boundary", gr_h_nodes_boundary_put, GR_AUTH_USER, BOUNDARY_LIMIT},
    {GR_POST, "/api/v1/topics", gr_h_topics_create, GR_AUTH_USER, 0},
    {GETH, "/api/v1/topics", gr_h_topics_list, GR_AUTH_USER, 0},
    {GETH, "/api/v1/topics/{}", gr_h_topics_get, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/topics/{}/actions", gr_h_topics_action, GR_AUTH_USER, 0},
    {GETH, "/api/v1/topics/{}/opinions", gr_h_opinions_list, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/topics/{}/opinions", gr_h_opinions_create, GR_AUTH_USER, 0},
    {GETH, "/api/v1/topics/{}/meetings", gr_h_meetings_list, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/topics/{}/meetings", gr_h_meetings_create, GR_AUTH_USER, 0},
    {GR_PUT, "/api/v1/topics/{}/vote-rule", gr_h_vote_rule_put, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/topics/{}/votes", gr_h_votes_create, GR_AUTH_USER, 0},
    {GETH, "/api/v1/topics/{}/results", gr_h_results_get, GR_AUTH_USER, 0},
    {GR_PUT, "/api/v1/topics/{}/decision", gr_h_decision_put, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/topics/{}/items", gr_h_items_create, GR_AUTH_USER, 0},
    {GR_PATCH, "/api/v1/topics/{}/items/{}", gr_h_items_update, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/topics/{}/objections", gr_h_objections_create, GR_AUTH_USER, 0},
    {GR_PUT, "/api/v1/topics/{}/objections/{}", gr_h_objections_answer, GR_AUTH_USER, 0},
    {GETH, "/api/v1/{}", gr_h_records_list, GR_AUTH_USER, 0},
    {GR_POST, "/api/v1/{}", gr_h_records_create, GR_AUTH_USER, 0},
    {GETH, "/api/v1/{}/{}", gr_h_records_get, GR_AUTH_USER, 0},
    {GR_PATCH, "/api/v1/{}/{}", gr_h_records_update, GR_AUTH_USER, 0},
    {GR_DELETE, "/api/v1/{}/{}", gr_h_records_delete, GR_AUTH_USER, 0},
    {0, NULL, NULL, GR_AUTH_NONE, 0},
};
