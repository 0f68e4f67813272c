// My placement: the days and tasks already logged on this device but not yet on the server, and
// the closing report written offline: saved to the outbox (kind "placement_report") and sent with
// the next sync, like the monthly account. The copy shown is the one waiting in the outbox, else
// the newest the device knows (acknowledged pushes, the bootstrap), else the page's own.
import {getAll, getMeta} from '../db.js';
import {STATE_LABEL, visitRows} from '../device-visits.js';
import {localToday, rulesFrom} from '../form-rules.js';
import {t} from '../i18n.js';
import * as outbox from '../outbox.js';
import * as sync from '../sync.js';

const KIND = 'placement_report';

// A day with no visit yet: "Log this day" once it has come (by the device's date: the cached page
// may be days old), "Not yet" before.
function markOpenDay(day, id) {
  const date = day.dataset.date;
  const future = date > localToday();
  const shown = day.querySelector('a, [data-not-yet], .badge');
  const wanted = future
    ? Object.assign(document.createElement('span'), {className: 'muted', textContent: t('notYet')})
    : Object.assign(document.createElement('a'), {href: `/visits/new?placement=${id}&date=${date}`, textContent: t('logThisDay')});
  if (future) wanted.dataset.notYet = '';
  if (shown && (shown.tagName === 'A') === !future && !shown.classList.contains('badge')) return;
  if (shown) shown.replaceWith(wanted); else day.append(' ', wanted);
  delete day.dataset.state;
}

// Each day of the placement with the visit that logs it, as the device knows it now (waiting to
// be sent, or the server's copy after a sync): its state replaces "Log this day".
function markDays(section, rows) {
  const id = Number(section.dataset.placement);
  section.querySelectorAll('li[data-date]').forEach((day) => {
    const date = day.dataset.date;
    const found = rows.find(({visit}) => Number(visit.placement_id) === id
      && visit.start_date <= date && date <= (visit.end_date || visit.start_date));
    if (!found) { markOpenDay(day, id); return; }
    const badge = Object.assign(document.createElement('span'),
      {className: `badge badge-${found.state}`, textContent: t(STATE_LABEL[found.state] || found.state)});
    const shown = day.querySelector('a, [data-not-yet], .badge');
    if (shown) shown.replaceWith(badge); else day.append(' ', badge);
    day.dataset.state = found.state;
  });
}

// A task is covered when a visit of the placement carries it: the server marked those it knows;
// the device adds those of its waiting and pulled visits.
function markTasks(section, visits) {
  const id = Number(section.dataset.placement);
  const ticked = new Set(visits.filter((v) => v.placement_id === id).flatMap((v) => v.placement_tasks || []));
  section.querySelectorAll('li[data-task]').forEach((task) => {
    if (task.hasAttribute('data-covered') || !ticked.has(task.dataset.task)) return;
    task.setAttribute('data-covered', '');
    task.append(' ', Object.assign(document.createElement('span'),
      {className: 'badge badge-approved', textContent: t('taskCovered')}));
  });
}

// The report form: {form, section, placementId, max}.
class ReportForm {
  constructor(form, max) {
    this.form = form;
    this.section = form.closest('[data-placement]');
    this.placementId = Number(form.dataset.reportPlacement);
    this.max = max;
    this.text = form.elements.namedItem('text');
  }

  field(name) { return this.form.elements.namedItem(name); }

  message(text, kind = 'success', ...actions) {
    const p = this.section.querySelector('[data-report-message]');
    p.textContent = text;
    if (actions.length) p.append(' ', ...actions);
    p.className = `flash flash-${kind}`;
    p.hidden = !text;
  }

  // The window is the server's (from the page or the bootstrap), judged by the device's date.
  showWindow() {
    const today = localToday();
    const before = today < this.form.dataset.reportFrom;
    const closed = today > this.form.dataset.reportUntil;
    const state = before ? 'before' : closed ? 'closed' : 'open';
    this.section.querySelectorAll('[data-report-note]').forEach((note) => {
      note.hidden = note.dataset.reportNote !== state;
    });
    this.form.hidden = before;
    this.text.readOnly = closed;
    this.form.querySelector('button[type=submit]').hidden = closed;
  }

  fill(copy, baseVersion) {
    this.field('id').value = copy.id || '';
    this.field('base_version').value = baseVersion ?? '';
    this.text.value = copy.text ?? '';
  }

  button(label, onclick) {
    return Object.assign(document.createElement('button'),
      {type: 'button', className: 'secondary small', textContent: label, onclick});
  }

  async load(entries, bootstrap) {
    const waiting = entries.find((e) => e.kind === KIND && e.item.placement_id === this.placementId);
    if (waiting) {
      this.fill(waiting.item, waiting.item.base_version);
      const again = async (keepMine) => {
        await outbox.resolve(waiting.id, keepMine);
        await sync.changed();
        if (keepMine) sync.syncNow();
        await this.reload();
      };
      if (waiting.state === 'conflict') {
        // written on another device too: keep mine on top of the server's copy (its id and version)
        this.message(t('reportConflict', {text: waiting.server?.text ?? ''}), 'warning',
          this.button(t('keepMine'), () => again(true)), this.button(t('discardMine'), () => again(false)));
      } else if (waiting.state === 'locked') {
        this.message(t('reportLocked'), 'error', this.button(t('discardMine'), () => again(false)));
      } else if (waiting.state === 'invalid') {
        this.message(t('reasonInvalid', {errors: Object.values(waiting.errors || {}).flat().join(' ')}), 'error');
      } else {
        this.message(t('reportWaiting'), 'warning');
      }
      return waiting;
    }
    this.message('');
    // the newest copy this device knows: an acknowledged push, the bootstrap, or the page itself
    const pageVersion = Number(this.field('base_version').value || 0);
    const known = [await getMeta(`placement_report:${sync.userId}:${this.placementId}`),
      bootstrap?.placements?.find((p) => p.id === this.placementId)?.closing_report]
      .filter(Boolean).sort((a, b) => b.version - a.version)[0];
    if (known && known.version > pageVersion) this.fill(known, known.version);
    return null;
  }

  async reload() {
    return this.load(await outbox.entries(sync.userId), await sync.bootstrapData());
  }

  showError(text) {
    const box = this.form.querySelector('[data-field="text"]');
    box.classList.toggle('has-error', Boolean(text));
    const p = box.querySelector('.error');
    p.textContent = text || '';
    p.hidden = !text;
    if (text) this.text.setAttribute('aria-invalid', 'true'); else this.text.removeAttribute('aria-invalid');
  }

  async submit(event) {
    event.preventDefault();
    const text = this.text.value.replace(/\r\n/g, '\n');
    const error = !text.trim() ? t('reportRequired') : text.length > this.max ? t('tooLong', {max: this.max}) : '';
    this.showError(error);
    if (error) { this.text.focus(); return; }
    const base = this.field('base_version').value;
    const item = {
      id: this.field('id').value || outbox.newId(), placement_id: this.placementId,
      base_version: base ? Number(base) : null, text, client_updated_at: new Date().toISOString(),
    };
    await outbox.saveItem(KIND, item, sync.userId);
    this.field('id').value = item.id;
    await sync.changed();
    this.message(t('reportSaved'));
    this.form.dataset.saved = String(Number(this.form.dataset.saved || 0) + 1);
    sync.requestBackgroundSync();
    await sync.syncNow();
    if (!(await this.reload())) this.message(t('reportSent'));
  }
}

export async function init() {
  if (!sync.userId) return;
  const entries = await outbox.entries(sync.userId);
  const waitingVisits = entries.filter((e) => !e.kind).map((e) => e.visit);
  const pulled = (await getAll('visits')).filter((v) => v.user_id === sync.userId);
  const drawDays = async () => {
    const rows = await visitRows(sync.userId);
    document.querySelectorAll('section[data-placement]').forEach((section) => markDays(section, rows));
  };
  await drawDays();
  sync.onStatus(() => drawDays().catch(() => {}));
  document.querySelectorAll('section[data-placement]').forEach((section) => {
    markTasks(section, [...waitingVisits, ...pulled]);
  });
  const bootstrap = await sync.bootstrapData();
  const max = rulesFrom(bootstrap).max_text;
  for (const element of document.querySelectorAll('form[data-report-placement]')) {
    // the bootstrap is fresher than a cached page if the admin moved the placement's dates
    const known = bootstrap?.placements?.find((p) => String(p.id) === element.dataset.reportPlacement);
    if (known?.closing_report_from) element.dataset.reportFrom = known.closing_report_from;
    if (known?.closing_report_until) element.dataset.reportUntil = known.closing_report_until;
    const report = new ReportForm(element, max);
    report.showWindow();
    await report.load(entries, bootstrap);
    element.addEventListener('submit', (event) => report.submit(event));
    element.dataset.ready = 'true';
  }
}
