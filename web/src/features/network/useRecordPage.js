// useRecordPage.js - what the building, unit and household pages share: load the record
// named by the route, the records above it up to the grid, and the meta descriptors;
// build the breadcrumbs.
import { computed, ref, watch } from 'vue';
import { useRoute } from 'vue-router';
import { getRecord } from './api.js';
import { nodeCrumbs, recordChain } from './trail.js';
import { loadMeta, kindFields } from '../../api/meta.js';
import { loadTopNodes, session } from '../session/session.js';
import { locale } from '../../i18n/index.js';
import { buildingLabel, unitLabel } from '../../components/placeLabels.js';

export function useRecordPage(kind) {
  const route = useRoute();
  const record = ref(null);
  const chain = ref(null);
  const fields = ref([]);
  const error = ref(null);
  const id = computed(() => Number(route.params.id));

  async function load() {
    const rid = id.value;
    record.value = null;
    chain.value = null;
    error.value = null;
    loadTopNodes().catch(() => {});
    try {
      const [r, meta] = await Promise.all([getRecord(kind, rid), loadMeta()]);
      const c = await recordChain(kind, r);
      if (rid !== id.value) return;
      fields.value = kindFields(meta, kind);
      chain.value = c;
      record.value = r;
    } catch (err) {
      if (rid === id.value) error.value = err;
    }
  }

  watch(id, load, { immediate: true });

  const crumbs = computed(() => {
    if (!chain.value) return [];
    const topIds = session.topNodes ? session.topNodes.map((n) => n.id) : null;
    const items = nodeCrumbs(chain.value.grid, topIds, true);
    const b = chain.value.building;
    if (kind !== 'buildings') {
      items.push({
        key: 'building-' + b.id,
        label: buildingLabel(locale.value, b.number),
        to: { name: 'building', params: { id: String(b.id) } },
      });
    }
    if (kind === 'households') {
      const u = chain.value.unit;
      items.push({
        key: 'unit-' + u.id,
        label: unitLabel(locale.value, u.number),
        to: { name: 'unit', params: { id: String(u.id) } },
      });
    }
    return items;
  });

  return { id, record, chain, fields, error, crumbs, load };
}
