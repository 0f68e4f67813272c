// Hand the cadre a JSON file of outbox entries (the escape hatch when the device cannot keep them).
export function download(data) {
  const blob = new Blob([JSON.stringify(data, null, 1)], {type: 'application/json'});
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob), download: `dicoso-cho-gui-${new Date().toISOString().slice(0, 10)}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
