// The temporary passwords' page after a user import: "Print the slips" prints them, laid out by
// css/admin-import.css. A module rather than an onclick attribute: the page's Content-Security-Policy runs
// no inline script. The button is hidden until bound here, so without JavaScript no dead button
// shows (the browser's own Print prints the same slips).
export async function init() {
  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
    const group = button.closest('[data-print-group]');
    if (group) group.hidden = false;
  }
}
