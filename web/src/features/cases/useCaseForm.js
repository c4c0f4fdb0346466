// useCaseForm.js - the state every cases form shares (as consult's useForm): busy, the
// errors next to the fields (a catalogue key from the light client check, or the server's
// message for the field its 400 names) and an error for the whole form (any other answer).
// mapField turns the field a 400 names into the form's own (e.g. "target" of an action).
import { reactive, ref } from 'vue';
import { locale, t } from '../../i18n/index.js';
import { fieldMessage } from './messages.js';

export function useCaseForm(fieldNames, mapField = (f) => f) {
  const errors = reactive({}); // field -> {key} | {message}
  const formError = ref(null);
  const busy = ref(false);

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k];
    formError.value = null;
  }

  // Client-side problems: {field: catalogue key}.
  function setLocal(map) {
    clear();
    for (const [k, key] of Object.entries(map)) errors[k] = { key };
  }

  // Run the request; true when it succeeded.
  async function run(fn) {
    clear();
    busy.value = true;
    try {
      await fn();
      return true;
    } catch (err) {
      const field = err && err.field ? mapField(err.field) : null;
      if (err && (err.status === 400 || err.status === 413) && field && fieldNames.includes(field)) {
        errors[field] = { message: err.message };
      } else {
        formError.value = err;
      }
      return false;
    } finally {
      busy.value = false;
    }
  }

  function errorFor(name) {
    const e = errors[name];
    if (!e) return '';
    return e.key ? t(e.key) : fieldMessage(locale.value, e.message, null);
  }

  return { errors, formError, busy, clear, setLocal, run, errorFor };
}
