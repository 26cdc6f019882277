import { useEffect, useRef, useState } from 'react';
import { DropZone } from '../DropZone';
import { collectDroppedFiles, separateCsv } from './collectDroppedFiles';

interface DatasetPickerProps {
  onDataset: (posters: File[], csv: File) => void;
  disabled: boolean;
}

/** Drop zone plus two labelled inputs: the poster folder and the labels CSV. */
export function DatasetPicker({ onDataset, disabled }: DatasetPickerProps) {
  const folderInput = useRef<HTMLInputElement>(null);
  const [posters, setPosters] = useState<File[]>([]);
  const [csv, setCsv] = useState<File | undefined>();

  useEffect(() => {
    // React has no typed prop for it; it makes the input pick a whole folder.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const accept = (files: File[], explicitCsv?: File) => {
    const { csv: folderCsv, others } = separateCsv(files);
    const nextCsv = explicitCsv ?? csv ?? folderCsv;
    const nextPosters = others.length > 0 ? others : posters;
    setPosters(nextPosters);
    setCsv(nextCsv);
    if (nextPosters.length > 0 && nextCsv) onDataset(nextPosters, nextCsv);
  };

  return (
    <DropZone label="Dataset drop zone" onFiles={(transfer) => void collectDroppedFiles(transfer.items).then((files) => accept(files))}>
      <p>Drop the poster folder and its CSV here, or pick them:</p>
      <div className="picker-row">
        <label>
          Poster folder
          <input ref={folderInput} type="file" multiple disabled={disabled} onChange={(event) => accept(Array.from(event.target.files ?? []))} />
        </label>
        <label>
          Labels CSV
          <input
            type="file"
            accept=".csv,text/csv"
            disabled={disabled}
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) accept([], file);
            }}
          />
        </label>
      </div>
      <p className="hint">
        {posters.length > 0 ? `${posters.length} files picked` : 'No folder yet'}
        {' · '}
        {csv ? `CSV: ${csv.name}` : 'no CSV yet'}
      </p>
    </DropZone>
  );
}
