import { useEffect, useState } from 'react';
import { DropZone } from '../DropZone';
import type { Prediction } from '../appState';

interface PredictPanelProps {
  enabled: boolean;
  prediction?: Prediction;
  onPoster: (file: File) => void;
}

/** Drop a poster, see its three most likely genres. */
export function PredictPanel({ enabled, prediction, onPoster }: PredictPanelProps) {
  const [preview, setPreview] = useState<string | undefined>();
  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview);
    },
    [preview],
  );

  const pick = (file: File | undefined) => {
    if (!file) return;
    setPreview(URL.createObjectURL(file));
    onPoster(file);
  };

  return (
    <DropZone label="Poster drop zone" onFiles={(transfer) => pick(transfer.files[0])}>
      <label>
        Poster to classify
        <input type="file" accept="image/*" disabled={!enabled} onChange={(event) => pick(event.target.files?.[0])} />
      </label>
      {!enabled && <p className="hint">Train at least one epoch first.</p>}
      <div className="prediction">
        {preview && <img src={preview} alt="Poster being classified" className="poster-preview" />}
        {prediction && (
          <ol aria-label="Top genres" className="top-genres">
            {prediction.top.map((score) => (
              <li key={score.genre}>
                <span className="genre-name">{score.genre}</span>
                <span className="bar" style={{ width: `${Math.round(score.probability * 100)}%` }} />
                <span className="probability">{(score.probability * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </DropZone>
  );
}
