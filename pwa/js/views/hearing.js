// The hearing page: "In" (print) prints it, laid out by css/print.css as a plain document. A module
// rather than an onclick attribute: the page's Content-Security-Policy runs no inline script. The
// button is hidden until bound here, so a browser without JavaScript never shows a dead button.
export async function init() {
  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
    const group = button.closest('[data-print-group]');
    if (group) group.hidden = false;
  }
}
