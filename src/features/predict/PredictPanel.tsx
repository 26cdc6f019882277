import { useEffect, useState } from 'react';
import { DropZone } from '../DropZone';
import type { Prediction } from '../appState';
import { ExplainedPoster, type ExplainApi } from '../explain/ExplainedPoster';

interface PredictPanelProps {
  enabled: boolean;
  prediction?: Prediction;
  onPoster: (file: File) => void;
  explain: ExplainApi;
}

/** Drop a poster, see its three most likely genres, whether each passes its threshold, and where on the poster each comes from. */
export function PredictPanel({ enabled, prediction, onPoster, explain }: PredictPanelProps) {
  const [poster, setPoster] = useState<{ file: File; url: string } | undefined>();
  useEffect(
    () => () => {
      if (poster) URL.revokeObjectURL(poster.url);
    },
    [poster],
  );

  const pick = (file: File | undefined) => {
    if (!file) return;
    setPoster({ file, url: URL.createObjectURL(file) });
    onPoster(file);
  };
  const current = prediction && poster && prediction.file === poster.file.name ? prediction : undefined;

  return (
    <DropZone label="Poster drop zone" onFiles={(transfer) => pick(transfer.files[0])}>
      <label>
        Poster to classify
        <input type="file" accept="image/*" disabled={!enabled} onChange={(event) => pick(event.target.files?.[0])} />
      </label>
      {!enabled && <p className="hint">Train at least one epoch first, or load a saved or exported model.</p>}
      <div className="prediction">
        {poster && (
          <ExplainedPoster
            key={poster.url}
            className="poster-preview"
            file={poster.file}
            imageUrl={poster.url}
            alt="Poster being classified"
            genres={current?.top.map((score) => score.genre) ?? []}
            api={explain}
          />
        )}
        {current && (
          <div>
            <ol aria-label="Top genres" className="top-genres">
              {current.top.map((score) => (
                <li key={score.genre}>
                  <span className="genre-name">{score.genre}</span>
                  <span className="bar" style={{ width: `${Math.round(score.probability * 100)}%` }} />
                  <span className="probability">{(score.probability * 100).toFixed(1)}%</span>
                  <span className={score.probability >= score.threshold ? 'threshold-pass' : 'threshold-fail'}>
                    {score.probability >= score.threshold ? '✓ predicted' : 'not predicted'}
                    <span className="eval-sr-only">: </span>
                    <span className="threshold-note"> (threshold {(score.threshold * 100).toFixed(0)}%)</span>
                  </span>
                </li>
              ))}
            </ol>
            <p className="hint">
              A genre is predicted when its probability reaches its own threshold, tuned on the validation posters for the best F1. Pick a genre under
              &ldquo;Why&rdquo; to see where on the poster it comes from.
            </p>
          </div>
        )}
      </div>
    </DropZone>
  );
}
