// The review queue: approving several visits at once asks first, in a dialog, how many and whose
// (approval locks them for their cadres). Confirmed, the form goes as the server's own confirmation
// page would send it (`confirmed=1`); without JavaScript the server shows that page instead.
import {t} from '../i18n.js';

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// The visits the pressed button would approve: every one awaiting review on the page ("all"),
// or the ticked ones; each with its cadre's name, from the list item.
function picked(form, submitter) {
  const all = submitter?.name === 'all';
  const inputs = form.querySelectorAll(all ? 'input[name="shown"]' : 'input[name="selected"]:checked');
  return [...inputs].map((input) => input.closest('li')?.dataset.cadreName || '?');
}

// Whose visits, by name, each with its count.
function whose(names) {
  const counts = new Map();
  for (const name of names) counts.set(name, (counts.get(name) || 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b, 'vi'))
    .map(([name, n]) => el('li', {textContent: t('bulkWhose', {name, n})}));
}

function ask(names, opener) {
  const title = el('h2', {id: 'bulk-title', textContent: t('bulkTitle', {n: names.length})});
  const text = el('p', {id: 'bulk-text', textContent: t('bulkLocks')});
  const approve = el('button', {type: 'button', className: 'primary', textContent: t('bulkApprove', {n: names.length})});
  const cancel = el('button', {type: 'button', className: 'secondary', textContent: t('bulkCancel')});
  approve.dataset.choice = 'approve';
  cancel.dataset.choice = 'cancel';
  const dialog = el('dialog', {id: 'bulk-dialog', className: 'confirm-dialog'}, title,
    el('ul', {}, ...whose(names)), text, el('div', {className: 'confirm-actions'}, approve, cancel));
  dialog.setAttribute('aria-labelledby', title.id);
  dialog.setAttribute('aria-describedby', text.id);
  document.body.append(dialog);
  return new Promise((resolve) => {
    const done = (choice) => {
      dialog.close();
      dialog.remove();
      if (choice !== 'approve') opener?.focus();
      resolve(choice === 'approve');
    };
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      done('cancel');
    });
    approve.addEventListener('click', () => done('approve'));
    cancel.addEventListener('click', () => done('cancel'));
    dialog.showModal();
    cancel.focus(); // the safe choice has the focus: Enter does not lock visits by accident
  });
}

export async function init() {
  const form = document.getElementById('bulk-form');
  if (!form) return;
  form.addEventListener('submit', async (event) => {
    if (form.querySelector('input[name="confirmed"]')) return;
    const submitter = event.submitter;
    const names = picked(form, submitter);
    if (!names.length) return; // nothing picked: the server says to tick some first
    event.preventDefault();
    if (!(await ask(names, submitter))) return;
    // form.submit() sends no button: carry the pressed one's name ("all" or not) and the answer
    if (submitter?.name) form.append(el('input', {type: 'hidden', name: submitter.name, value: submitter.value}));
    form.append(el('input', {type: 'hidden', name: 'confirmed', value: '1'}));
    form.submit();
  });
  form.dataset.ready = 'true';
}
