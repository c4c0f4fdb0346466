// useMatterNames.js - the names of matters by code, from the published list, read once per
// session (cases carry only the code).
import { reactive } from 'vue';
import { listMatters } from './api.js';

const names = reactive({});
let pending = null;

export function loadMatterNames() {
  if (!pending) {
    pending = listMatters()
      .then((page) => {
        for (const m of page.items || []) names[m.code] = m.name;
        return names;
      })
      .catch(() => {
        pending = null;
        return names;
      });
  }
  return pending;
}

export const matterName = (code) => names[code] || '';
