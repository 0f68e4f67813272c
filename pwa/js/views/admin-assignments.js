// Admin › assignments: the filter over the units' checkboxes (pwa/js/unit-filter.js).
import * as unitFilter from '../unit-filter.js';

export async function init() {
  for (const root of document.querySelectorAll('[data-unit-filter-root]')) unitFilter.setUp(root);
}
