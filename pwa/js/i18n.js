// The PWA's messages (messages/vi.js first, messages/en.js second), in the language of <html lang>.
// Only that language's catalog is loaded (the page preloads it: server/pwa_shell module_preloads).
export const lang = document.documentElement.lang === 'en' ? 'en' : 'vi';
const {default: messages} = await import(`./messages/${lang}.js`);

export function t(key, params = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

const pad = (n) => String(n).padStart(2, '0');

// dd/mm/yyyy, as Vietnamese documents write dates (from an ISO date or a Date).
export function dmy(value) {
  if (!value) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const date = new Date(value);
  return `${pad(date.getDate())}/${pad(date.getMonth() + 1)}/${date.getFullYear()}`;
}

export function dmyTime(value) {
  if (!value) return '';
  const date = new Date(value);
  return `${dmy(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
