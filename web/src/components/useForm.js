// useForm.js - the state every form shares: busy, the errors next to the fields (a catalogue
// key from the light client check, or the server's message for the field its 400 or 413
// names) and an error for the whole form (any other answer).
//
// fieldNames: the fields this form shows; an error about any other goes to the whole form.
// options.fieldText(locale, message): the server's message in the user's language (a
//   feature's catalogue, e.g. cases' or consult's fieldMessage); the shared wordings by default.
// options.mapField(field): the form's own name for the field a 400 names (e.g. "target" of
//   a case action is the dialog's "owner").
import { reactive, ref } from 'vue';
import { locale, t } from '../i18n/index.js';
import { serverFieldText } from './fields.js';

const sharedText = (l, message) => serverFieldText(l, null, message);

export function useForm(fieldNames, { fieldText = sharedText, mapField = (f) => f } = {}) {
  const errors = reactive({}); // field -> {key} | {message}
  const formError = ref(null);
  const busy = ref(false);

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k];
    formError.value = null;
  }

  // Client-side problems, in place of any shown before: {field: catalogue key}.
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
    return e.key ? t(e.key) : fieldText(locale.value, e.message);
  }

  return { errors, formError, busy, clear, setLocal, run, errorFor };
}
