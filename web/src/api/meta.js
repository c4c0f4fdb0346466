// meta.js - GET /api/v1/meta, fetched once and shared: the kinds of record and the
// descriptors of their fields, from which forms and field lists are built.
import { api } from './client.js';

let pending = null;

export function loadMeta() {
  if (!pending) {
    pending = api.get('/meta').catch((err) => {
      pending = null; // let a later call try again
      throw err;
    });
  }
  return pending;
}

// The field descriptors of one kind ([] when the kind is unknown).
export function kindFields(meta, kind) {
  const k = meta && Array.isArray(meta.kinds) ? meta.kinds.find((x) => x.name === kind) : null;
  return k && Array.isArray(k.fields) ? k.fields : [];
}
