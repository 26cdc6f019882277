/** Long enough for any browser to have started reading the blob. */
const REVOKE_AFTER_MS = 30_000;

/**
 * Saves data as a file through a temporary object URL and <a download>.
 * Call it from a click handler (or right after a worker reply to one):
 * browsers only allow downloads close to a user gesture.
 */
export function downloadFile(name: string, data: BlobPart, mime: string): void {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // IMPORTANT: revoking at once can cancel the download in some browsers (FileSaver.js waits 40 s).
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

export function downloadTextFile(name: string, text: string, mime = 'text/csv;charset=utf-8'): void {
  downloadFile(name, text, mime);
}

export function downloadJson(name: string, value: unknown): void {
  downloadFile(name, JSON.stringify(value, null, 2), 'application/json');
}
