import { useEffect, useRef, useState } from 'react';
import type { MultiLabelMetrics } from '../../metrics';
import { predictionsToCsv, problemsToCsv } from '../../data/predictionsCsv';
import type { InputIssue } from '../../data/types';
import { DropZone } from '../DropZone';
import { collectDroppedFiles } from '../dataset/collectDroppedFiles';
import { HeadlineMetricsTable } from '../evaluate/HeadlineMetricsTable';
import { BatchPredictionsTable } from './BatchPredictionsTable';
import { downloadJson, downloadTextFile } from '../downloadFile';

export interface BatchPredictionResult {
  /** Poster Ids, in output order. */
  ids: string[];
  /** [ids.length * genres.length], row-major, values in [0, 1]. */
  probs: Float32Array;
  /** Files skipped and CSV rows refused, each with where and why. */
  skipped: InputIssue[];
  /** When a labels CSV came with the folder: metrics on the posters it labels. */
  evaluation?: MultiLabelMetrics;
}

interface BatchPredictPanelProps {
  /** False until a model can predict. */
  enabled: boolean;
  genres: string[];
  /** [genres.length] decision thresholds: p >= threshold means predicted. */
  thresholds: number[];
  result?: BatchPredictionResult;
  running: boolean;
  progress?: { done: number; total: number };
  /** Every file picked or dropped (a labels CSV among them if any), and the CSV picked on its own, if any. */
  onFolder: (files: File[], csv?: File) => void;
}

/** Predict a whole folder of posters, browse the results, download them as CSV. */
export function BatchPredictPanel({ enabled, genres, thresholds, result, running, progress, onFolder }: BatchPredictPanelProps) {
  const folderInput = useRef<HTMLInputElement>(null);
  const canPick = enabled && !running;
  const [csv, setCsv] = useState<File | undefined>();

  useEffect(() => {
    // React has no typed prop for it; it makes the input pick a whole folder.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const accept = (files: File[]) => {
    if (canPick && files.length > 0) onFolder(files, csv);
  };

  return (
    <div className="batch-panel">
      <DropZone label="Batch prediction drop zone" onFiles={(transfer) => void collectDroppedFiles(transfer.items).then(accept)}>
        <label>
          Folder to predict
          <input ref={folderInput} type="file" multiple disabled={!canPick} onChange={(event) => accept(Array.from(event.target.files ?? []))} />
        </label>
        <label>
          Labels CSV for evaluation (optional, pick before the folder)
          <input type="file" accept=".csv,text/csv" disabled={!canPick} onChange={(event) => setCsv(event.target.files?.[0])} />
        </label>
        <p className="hint">
          {enabled
            ? 'Drop a folder of posters here, or pick it. A labels CSV in the folder also evaluates the model on it.'
            : 'Train or load a model first.'}
        </p>
      </DropZone>

      {running && (
        <p className="progress">
          <progress aria-label="Batch prediction progress" max={progress?.total ?? undefined} value={progress?.done ?? undefined} />
          {progress ? `${progress.done} / ${progress.total} posters` : 'Starting…'}
        </p>
      )}

      {result && (
        <>
          <div className="buttons">
            <button
              type="button"
              disabled={result.ids.length === 0}
              onClick={() => downloadTextFile('predictions.csv', predictionsToCsv(result.ids, genres, result.probs, thresholds))}
            >
              Download CSV
            </button>
            {result.skipped.length > 0 && (
              <button type="button" onClick={() => downloadTextFile('problems.csv', problemsToCsv(result.skipped))}>
                Download problems (CSV)
              </button>
            )}
            <span className="hint">{result.ids.length} posters predicted</span>
          </div>
          {result.evaluation && (
            <>
              <h3>Against the folder's labels</h3>
              <HeadlineMetricsTable metrics={result.evaluation} label="Batch evaluation metrics" />
              <button type="button" onClick={() => downloadJson('evaluation.json', result.evaluation)}>
                Download evaluation (JSON)
              </button>
            </>
          )}
          <BatchPredictionsTable ids={result.ids} probs={result.probs} genres={genres} thresholds={thresholds} />
          {result.skipped.length > 0 && (
            <details aria-label="Skipped files">
              <summary>{result.skipped.length} files skipped</summary>
              <ul className="issue-list">
                {result.skipped.map((skip, k) => (
                  <li key={k}>
                    <strong>{skip.file ?? `line ${skip.line ?? '?'}`}</strong>: {skip.message}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  );
}
