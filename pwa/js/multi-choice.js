// A compact multi-choice (<details class="multi"> around checkboxes): one line until opened, its
// summary naming what is chosen. The summary follows every change, and refresh() after the page's
// script has filled the boxes (a draft, an edited visit), which fires no event.
const describe = (details) => {
  const chosen = [...details.querySelectorAll('input[type=checkbox]:checked')]
    .map((box) => box.closest('label')?.textContent.trim() || box.value);
  const summary = details.querySelector('[data-chosen]');
  if (!summary) return;
  summary.textContent = chosen.length ? chosen.join(', ') : summary.dataset.none;
  summary.closest('summary').dataset.count = String(chosen.length);
};

export function setUp(root) {
  const all = () => [...root.querySelectorAll('details.multi')];
  root.addEventListener('change', (event) => {
    const details = event.target.closest?.('details.multi');
    if (details) describe(details);
  });
  const refresh = () => all().forEach(describe);
  refresh();
  return {
    refresh,
    // A field with an error opens, so that its boxes can be seen and focused.
    openInvalid: () => all().forEach((details) => {
      if (details.closest('.has-error')) details.open = true;
    }),
  };
}
