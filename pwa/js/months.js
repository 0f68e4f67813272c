// Months as the pages name them ('2026-11'): this month on the device, the one before and after,
// the first and last day, and how a page writes one (11/2026).
const pad = (n) => String(n).padStart(2, '0');

export function thisMonth(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}`;
}

export function isMonth(text) {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text || '');
}

export function shift(month, by) {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

export function firstDay(month) {
  return `${month}-01`;
}

export function lastDay(month) {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
}

export function shown(month) {
  const [y, m] = month.split('-');
  return `${m}/${y}`;
}
