// A filter over a long list of unit checkboxes grouped by district (admin › assignments): typing
// hides the units whose name (or whose group's name) does not contain the text, accents and case
// aside. Hidden boxes stay in the form, so a unit ticked before filtering is still sent. The
// filter is rendered hidden: without JavaScript every box shows and works.

// "Đồng Đăng" and "dong dang" match: marks dropped, đ read as d, case folded.
export const fold = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .toLowerCase().replace(/đ/g, 'd').replace(/\s+/g, ' ').trim();

export function setUp(root) {
  const box = root.querySelector('[data-unit-filter]');
  const input = root.querySelector('[data-unit-filter-input]');
  if (!box || !input) return null;
  const none = root.querySelector('[data-unit-filter-none]');
  const groups = [...root.querySelectorAll('[data-unit-group]')].map((group) => ({
    group,
    name: fold(group.querySelector('[data-unit-group-name]')?.textContent || ''),
    options: [...group.querySelectorAll('[data-unit-option]')].map((item) => ({
      item, name: fold(item.textContent)})),
  }));
  const apply = () => {
    const needle = fold(input.value);
    let shown = 0;
    for (const {group, name, options} of groups) {
      const wholeGroup = needle !== '' && name.includes(needle);  // a district's name: all its units
      let visible = 0;
      for (const {item, name: unitName} of options) {
        item.hidden = !(wholeGroup || unitName.includes(needle));
        if (!item.hidden) visible += 1;
      }
      group.hidden = visible === 0;
      shown += visible;
    }
    if (none) none.hidden = shown > 0;
  };
  input.addEventListener('input', apply);
  // Enter in the filter would submit the assignment half-filled: it only filters.
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault();
  });
  box.hidden = false;
  apply();
  return {apply};
}
