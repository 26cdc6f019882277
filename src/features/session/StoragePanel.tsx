import { useEffect } from 'react';

interface StoragePanelProps {
  storage?: { bytes: number | null; quota: number | null; savedRuns: number };
  /** Asks the worker for the numbers. */
  onRefresh: () => void;
  /** The numbers are asked for again whenever this changes (undefined: the worker is not ready to answer yet). */
  refreshKey?: string;
  onClear: () => void;
  disabled: boolean;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;

/** How much this site keeps on the disk (saved runs, cached embeddings, decoded posters), and a way to delete it all. */
export function StoragePanel({ storage, onRefresh, refreshKey, onClear, disabled }: StoragePanelProps) {
  useEffect(() => {
    if (refreshKey !== undefined) onRefresh();
  }, [refreshKey, onRefresh]);
  return (
    <div className="storage" role="group" aria-label="Storage">
      <p>
        {storage
          ? `This site stores ${storage.bytes === null ? 'an unknown amount' : megabytes(storage.bytes)}` +
            `${storage.quota === null ? '' : ` of the ${megabytes(storage.quota)} the browser allows it`}: ` +
            `${storage.savedRuns} saved run${storage.savedRuns === 1 ? '' : 's'}, cached embeddings and decoded posters.`
          : 'Measuring what this site stores…'}
      </p>
      <button
        type="button"
        disabled={disabled}
        onClick={() => {
          if (window.confirm("Delete every saved run, the cached embeddings and the app's offline copy? The model in use stays until you reload."))
            onClear();
        }}
      >
        Clear this site&apos;s data
      </button>
    </div>
  );
}
