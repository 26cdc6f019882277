import { useEffect, useRef, useState } from 'react';
import type { MultiLabelMetrics } from '../../metrics';
import { predictionsToCsv, problemsToCsv } from '../../data/predictionsCsv';
import type { InputIssue } from '../../data/types';
import { DropZone } from '../DropZone';
import { collectDroppedFiles } from '../dataset/collectDroppedFiles';
import { HeadlineMetricsTable } from '../evaluate/HeadlineMetricsTable';
import { VerdictLine } from '../evaluate/VerdictLine';
import { BatchPredictionsTable } from './BatchPredictionsTable';
import { downloadJson, downloadTextFile } from '../downloadFile';
import { formatDuration } from '../training/formatDuration';

export interface BatchPredictionResult {
  /** Poster Ids, in output order. */
  ids: string[];
  /** [ids.length * genres.length], row-major, values in [0, 1]. */
  probs: Float32Array;
  /** Files skipped and CSV rows refused, each with where and why. */
  skipped: InputIssue[];
  /** When a labels CSV came with the folder: metrics on the posters it labels, and the constant prior's. */
  evaluation?: MultiLabelMetrics;
  baseline?: MultiLabelMetrics;
  /** Per row: in the model's training split. */
  seenInTraining: boolean[];
  /** Labelled posters left out of the metrics for having been in training. */
  seenExcluded: number;
  /** The user cancelled: these are the posters predicted until then. */
  cancelled: boolean;
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
  /** When the prediction started (ms since the epoch), for its time left. */
  startedAt?: number;
  onCancel: () => void;
  /** Every file picked or dropped (a labels CSV among them if any), and the CSV picked on its own, if any. */
  onFolder: (files: File[], csv?: File) => void;
}

/** ", about 2 min left" once a few posters are done; empty before. */
function timeLeft(progress: { done: number; total: number }, startedAt: number | undefined): string {
  if (!startedAt || progress.done === 0 || progress.done >= progress.total) return '';
  const perPoster = (Date.now() - startedAt) / 1000 / progress.done;
  return `, about ${formatDuration(perPoster * (progress.total - progress.done))} left`;
}

/** Predict a whole folder of posters, browse the results, download them as CSV. */
export function BatchPredictPanel({ enabled, genres, thresholds, result, running, progress, startedAt, onCancel, onFolder }: BatchPredictPanelProps) {
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
        <div className="progress">
          <progress aria-label="Batch prediction progress" max={progress?.total ?? undefined} value={progress?.done ?? undefined} />
          <span>{progress ? `${progress.done} / ${progress.total} posters${timeLeft(progress, startedAt)}` : 'Reading the folder…'}</span>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
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
            <span className="hint">
              {result.ids.length} posters predicted{result.cancelled && ' (cancelled: the rest were not)'}
            </span>
          </div>
          {(result.evaluation || result.seenExcluded > 0) && <h3>Against the folder&apos;s labels</h3>}
          {result.seenExcluded > 0 && (
            <p className="notice">
              {result.seenExcluded} labelled posters here were in this model&apos;s training split: they are marked &ldquo;seen in training&rdquo;
              below and left out of the metrics, which they would flatter.
              {!result.evaluation && ' No labelled poster is left to evaluate on: pick posters the model has not seen.'}
            </p>
          )}
          {result.evaluation && (
            <>
              <VerdictLine metrics={result.evaluation} baseline={result.baseline} />
              <HeadlineMetricsTable metrics={result.evaluation} baseline={result.baseline} label="Batch evaluation metrics" />
              <button type="button" onClick={() => downloadJson('evaluation.json', result.evaluation)}>
                Download evaluation (JSON)
              </button>
            </>
          )}
          <BatchPredictionsTable
            ids={result.ids}
            probs={result.probs}
            genres={genres}
            thresholds={thresholds}
            seenInTraining={result.seenInTraining}
          />
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
