/**
 * Every file under the dropped items, folders walked completely.
 * IMPORTANT: Chromium's readEntries() returns at most 100 entries per call, so
 * it is called until it returns none.
 */
export async function collectDroppedFiles(items: DataTransferItemList): Promise<File[]> {
  const entries: FileSystemEntry[] = [];
  const looseFiles: File[] = [];
  for (const item of Array.from(items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) looseFiles.push(file);
    }
  }
  const nested = await Promise.all(entries.map(filesUnder));
  return [...looseFiles, ...nested.flat()];
}

async function filesUnder(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const page = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (page.length === 0) break;
    children.push(...page);
  }
  const nested = await Promise.all(children.map(filesUnder));
  return nested.flat();
}

/** Splits a picked or dropped file set into the labels CSV (if any) and everything else. */
export function separateCsv(files: readonly File[]): { csv?: File; others: File[] } {
  const csvFiles = files.filter((file) => file.name.toLowerCase().endsWith('.csv'));
  // Prefer the tutorial's name when a folder holds several CSVs.
  const csv = csvFiles.find((file) => file.name.toLowerCase() === 'train.csv') ?? csvFiles[0];
  return { csv, others: files.filter((file) => file !== csv) };
}
