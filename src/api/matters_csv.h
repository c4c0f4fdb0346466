/*
 * matters_csv.h - a version of the responsibility list as CSV, one matter a row, for
 * `grassroots import/export matters` and /api/v1/matter-lists/{v}/matters.csv. What the
 * writer gives, the loader takes back, and the writer then gives the same bytes again.
 *
 * Columns (a header row names them; on reading their order is free and the optional ones,
 * owner_level, owner_dept, co_depts, legal_basis and urgent, may be left out):
 * code,name,category,power_type,list_kind,governance,owner_level,owner_dept,co_depts,
 * legal_basis,respond_limit,respond_unit,resolve_limit,resolve_unit,urgent
 * with co_depts joined by '|' and urgent 0 or 1.
 */
#ifndef GR_MATTERS_CSV_H
#define GR_MATTERS_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../store/store.h"

/* Whether version exists and is a draft: GR_ENOTFOUND when there is no such version. */
enum gr_err gr_matters_csv_status(struct gr_store *st, int version, bool *draft);

/* Append the header row and the matters of version, by code, to b (LF line ends, no
 * byte-order mark). GR_ETOOBIG when b's maximum is reached; *n_rows counts the matters. */
enum gr_err gr_matters_csv_write(struct gr_store *st, int version, struct gr_buf *b,
                                 size_t *n_rows);

/* One problem of the file: its line, its column (1-based; 0 when it is the whole row or
 * the header as a whole), the column's name (or NULL) and why. The texts are valid during
 * the call only. */
typedef void (*gr_csv_bad_fn)(void *ctx, size_t line, size_t col, const char *column,
                              const char *why);

/* Replace the matters of draft `version` by the rows of data[0..len), inside the caller's
 * transaction. Every bad row is told to bad (a row's several faults each once): a
 * malformed file, an unknown or repeated or missing column, a text too long or not UTF-8,
 * an unknown list kind, governance, level or unit, a limit that is not from 1 to 10000, a
 * matter that gr_matter_check refuses, a code repeated in the file, a category or power
 * type the store does not know.
 * Returns GR_OK with *n_rows stored, GR_EINVAL when some row was bad (the caller rolls
 * back: good rows were written), GR_ENOTFOUND when there is no such version, GR_ECONFLICT
 * when it is not a draft, GR_EDB when the store failed (gr_store_errmsg). */
enum gr_err gr_matters_csv_load(struct gr_store *st, int version, const char *data, size_t len,
                                gr_csv_bad_fn bad, void *ctx, size_t *n_rows);

#endif
