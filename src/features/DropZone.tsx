import { useState, type ReactNode } from 'react';

interface DropZoneProps {
  label: string;
  onFiles: (dataTransfer: DataTransfer) => void;
  children: ReactNode;
}

/** A drop target; its children hold the labelled file inputs that do the same job. */
export function DropZone({ label, onFiles, children }: DropZoneProps) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={over ? 'drop-zone drop-zone--over' : 'drop-zone'}
      role="region"
      aria-label={label}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        onFiles(event.dataTransfer);
      }}
    >
      {children}
    </div>
  );
}
