// The account page; filled in by the PWA part (offline data from IndexedDB).
export async function init() {}
