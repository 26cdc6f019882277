import type { TrainingProgress, TrainingStatus } from '../appState';

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s % 60} s`;
}

export function TrainingProgressView({ progress, status }: { progress: TrainingProgress; status: TrainingStatus }) {
  const totalBatches = progress.epochs * progress.batchesPerEpoch;
  const done = Math.max(0, progress.epoch - 1) * progress.batchesPerEpoch + progress.batch;
  return (
    <div className="progress">
      <progress aria-label="Training progress" max={totalBatches} value={Math.min(done, totalBatches)} />
      <p data-testid="progress-text">
        Status: <strong data-testid="training-status">{status}</strong> · epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/
        {progress.batchesPerEpoch} · {progress.imagesPerSecond.toFixed(1)} images/s · ETA {formatDuration(progress.etaSeconds)} ·{' '}
        {progress.trainPosters} training / {progress.validationPosters} validation posters
      </p>
    </div>
  );
}
