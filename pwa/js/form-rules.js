// The visit's rules, checked in the page before saving, in the page's language. The limits are
// the server's: sent in the bootstrap data (`rules`, from the same constants the server checks
// with). The copy below is only for a device that has never fetched a bootstrap yet.
import {dmy, t} from './i18n.js';
import {dayNumber, isoOf} from './regime.js';

const FALLBACK = {
  max_text: 5000, max_topics: 20, max_trip_days: 31, max_participants: 100000,
  earliest_date: '2000-01-01', report_due_days: 10, confirm_older_than_days: 365,
};
const TEXTS = ['summary', 'findings', 'recommendations'];

export function rulesFrom(bootstrap) {
  return {...FALLBACK, ...(bootstrap?.rules || {}), plan_years: bootstrap?.plan_years ?? null};
}

export function localToday() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Why a possible start date deserves a second look (the server's visits.rules.date_doubts, with
// its numbers from the bootstrap): long ago, or in a year no plan covers.
export function dateDoubts(start, rules) {
  const doubts = [];
  if (!start) return doubts;
  if (start < isoOf(dayNumber(localToday()) - rules.confirm_older_than_days)) doubts.push(t('dateLongAgo', {date: dmy(start)}));
  const year = Number(start.slice(0, 4));
  if (rules.plan_years?.length && !rules.plan_years.includes(year)) doubts.push(t('dateNoPlan', {year}));
  return doubts;
}

const days = (start, end) => (Date.parse(end) - Date.parse(start)) / 86400000 + 1;

// {field: message} for every rule the values break (empty when they may be saved).
export function validate(v, rules) {
  const errors = {};
  for (const name of ['unit_id', 'start_date', 'end_date', 'form']) if (!v[name]) errors[name] = t('required');
  const today = localToday();
  if (v.start_date && v.start_date < rules.earliest_date) {
    errors.start_date = t('tooEarly', {date: dmy(rules.earliest_date)});
  } else if (v.start_date && v.start_date > today) {
    errors.start_date = t('inFuture');
  }
  if (v.start_date && v.end_date) {
    if (v.end_date < v.start_date) errors.end_date = t('endBeforeStart');
    else if (v.end_date > today) errors.end_date = t('inFuture');
    else if (days(v.start_date, v.end_date) > rules.max_trip_days) {
      errors.end_date = t('tripTooLong', {n: rules.max_trip_days});
    }
  }
  if ((v.topics || []).length > rules.max_topics) errors.topics = t('tooManyTopics', {max: rules.max_topics});
  for (const name of TEXTS) {
    if ((v[name] || '').length > rules.max_text) errors[name] = t('tooLong', {max: rules.max_text});
  }
  const p = String(v.participants ?? '').trim();
  if (p !== '' && !/^\d+$/.test(p)) errors.participants = t('notInteger');
  else if (Number(p) > rules.max_participants) errors.participants = t('tooMany');
  return errors;
}
