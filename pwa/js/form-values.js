// Reading and filling the visit form, generically: every named control of the form is read, so
// a field the server's form gains reaches the outbox without a change here.
// The only names left out are the form's envelope (CSRF token, which visit, which version, the
// no-JS form's "the date is right" box).
const ENVELOPE = new Set(['csrf_token', 'id', 'base_version', 'confirm_date']);
const NUMERIC = /^\d+$/;

const controlsNamed = (form, name) => [...form.elements].filter((e) => e.name === name);
const number = (value) => (NUMERIC.test(value) ? Number(value) : value);

// One field's value, typed by its control: ids from choices become numbers, a hidden JSON value
// (the location) an object, an empty choice null; typed text stays text (the rules check it).
function readField(controls) {
  const first = controls[0];
  if (first.type === 'checkbox') {
    if (controls.length === 1 && first.value === 'y') return first.checked; // a yes/no box
    return controls.filter((c) => c.checked).map((c) => number(c.value));
  }
  if (first.type === 'radio') return controls.find((c) => c.checked)?.value ?? '';
  if (first.tagName === 'SELECT' && first.multiple) return [...first.selectedOptions].map((o) => number(o.value));
  if (first.tagName === 'SELECT') {
    const numeric = [...first.options].every((o) => o.value === '' || NUMERIC.test(o.value));
    if (numeric) return first.value === '' ? null : Number(first.value);
    return first.value;
  }
  if (first.type === 'hidden' && first.value.startsWith('{')) return JSON.parse(first.value);
  if (first.type === 'hidden' && first.value === '') return null;
  return first.value;
}

export function readForm(form) {
  const values = {};
  for (const element of form.elements) {
    const name = element.name;
    if (!name || ENVELOPE.has(name) || name in values || element.disabled) continue;
    values[name] = readField(controlsNamed(form, name));
  }
  return values;
}

// Put values (a saved visit, a draft) back into the form; unknown names are ignored.
export function fillForm(form, values) {
  for (const [name, value] of Object.entries(values)) {
    if (ENVELOPE.has(name) || value === undefined) continue;
    const controls = controlsNamed(form, name);
    if (!controls.length) continue;
    const first = controls[0];
    if (first.type === 'checkbox' && controls.length === 1 && first.value === 'y') {
      first.checked = Boolean(value);
    } else if (first.type === 'checkbox' || (first.tagName === 'SELECT' && first.multiple)) {
      const chosen = [].concat(value ?? []).map(String);
      if (first.tagName === 'SELECT') [...first.options].forEach((o) => { o.selected = chosen.includes(o.value); });
      else controls.forEach((box) => { box.checked = chosen.includes(box.value); });
    } else if (first.type === 'radio') {
      controls.forEach((radio) => { radio.checked = radio.value === String(value ?? ''); });
    } else if (value !== null && typeof value === 'object') {
      first.value = JSON.stringify(value);
    } else {
      first.value = value ?? '';
    }
  }
}
