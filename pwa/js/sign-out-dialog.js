// The sign-out dialog: what is still waiting on this phone, what each choice will do, progress.
// Built here rather than in base.html, so the page layout stays the templates' business. A native
// <dialog> opened with showModal(): focus moves into it and stays there, the rest of the page is
// inert, Escape means "Huỷ", and focus goes back to the sign-out button when it closes.
import {t} from './i18n.js';

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

function choiceButton(choice, label, hint, className) {
  const hintId = `sign-out-hint-${choice}`;
  const button = el('button', {type: 'button', className, textContent: label});
  button.dataset.choice = choice;
  button.setAttribute('aria-describedby', hintId);
  return el('div', {className: 'sign-out-choice'}, button, el('p', {id: hintId, className: 'muted', textContent: hint}));
}

// The lines of "what is waiting": only the kinds there are.
function waitingList(counts) {
  const lines = [['visits', 'signOutVisits'], ['accounts', 'signOutAccounts'], ['dones', 'signOutDones'],
    ['drafts', 'signOutDrafts'], ['photos', 'signOutPhotos']].filter(([kind]) => counts[kind]);
  return el('ul', {}, ...lines.map(([kind, key]) => {
    const li = el('li', {textContent: t(key, {n: counts[kind]})});
    li.dataset.kind = kind;
    return li;
  }));
}

/* Open the dialog. render({counts, online, note}) draws it for the current state; choice()
 * resolves with 'send', 'export', 'sign-out' (nothing waiting: online, try again; offline, sign out
 * without the server) or 'cancel'. */
export function open(opener) {
  const title = el('h2', {id: 'sign-out-title', textContent: t('signOutTitle')});
  const body = el('div', {id: 'sign-out-text'});
  const actions = el('div', {className: 'sign-out-actions'});
  const status = el('p', {className: 'sign-out-status'});
  status.setAttribute('role', 'status');
  const dialog = el('dialog', {id: 'sign-out-dialog', className: 'sign-out-dialog'}, title, body, actions, status);
  dialog.setAttribute('aria-labelledby', title.id);
  dialog.setAttribute('aria-describedby', body.id);
  let pick = null;
  let busy = false;
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault(); // closed by its owner, once the choice is handled
    if (!busy) pick?.('cancel');
  });
  actions.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-choice]');
    if (button && !busy && !button.disabled) pick?.(button.dataset.choice);
  });
  document.body.append(dialog);
  dialog.showModal();

  return {
    render({counts, online, note = ''}) {
      body.replaceChildren();
      if (counts.total) {
        body.append(el('p', {textContent: t('signOutWaiting', {n: counts.total})}), waitingList(counts));
        if (counts.refused) body.append(el('p', {textContent: t('signOutRefused', {n: counts.refused})}));
        body.append(el('p', {textContent: t('signOutWhat')}));
      } else {
        body.append(el('p', {textContent: t('signOutNothing')}));
      }
      if (!online) body.append(el('p', {className: 'sign-out-offline', textContent: t('signOutOffline')}));
      actions.replaceChildren();
      if (counts.total) {
        actions.append(
          choiceButton('send', t('signOutSend'), online ? t('signOutSendHint') : t('signOutSendOffline'), 'primary'),
          choiceButton('export', t('signOutExport'), t('signOutExportHint'), 'secondary'));
        actions.querySelector('[data-choice=send]').disabled = !online;
      } else {
        actions.append(online
          ? choiceButton('sign-out', t('signOutAgain'), t('signOutAgainHint'), 'primary')
          : choiceButton('sign-out', t('signOutAnyway'), t('signOutAnywayHint'), 'secondary'));
      }
      actions.append(choiceButton('cancel', t('signOutCancel'), t('signOutCancelHint'), 'secondary'));
      status.textContent = note;
      dialog.dataset.state = online ? 'online' : 'offline';
      // the safe choice has the focus: sending when it can be done, else cancelling
      const send = actions.querySelector('[data-choice=send]');
      (send && !send.disabled ? send : actions.querySelector('[data-choice=cancel]')).focus();
    },
    choice() {
      return new Promise((resolve) => {
        pick = (value) => { pick = null; resolve(value); };
      });
    },
    // Answer the pending choice() with `reason` (the network changed), unless a choice is at work.
    interrupt(reason) {
      if (!busy) pick?.(reason);
    },
    busy(on, text = '') {
      busy = on;
      dialog.setAttribute('aria-busy', String(on));
      actions.querySelectorAll('button').forEach((button) => {
        if (on) {
          button.dataset.enabled = String(!button.disabled);
          button.disabled = true;
        } else if (button.dataset.enabled) {
          button.disabled = button.dataset.enabled !== 'true';
        }
      });
      if (text) status.textContent = text;
    },
    close() {
      dialog.close();
      dialog.remove();
      opener?.focus();
    },
  };
}
