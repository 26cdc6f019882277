import type { EarlyStop } from '../../worker/protocol';
import { formatDuration } from './formatDuration';
import type { TrainingProgress, TrainingStatus } from '../appState';

interface TrainingProgressViewProps {
  progress: TrainingProgress;
  status: TrainingStatus;
  earlyStop?: EarlyStop;
}

export function TrainingProgressView({ progress, status, earlyStop }: TrainingProgressViewProps) {
  const totalBatches = progress.epochs * progress.batchesPerEpoch;
  const done = Math.max(0, progress.epoch - 1) * progress.batchesPerEpoch + progress.batch;
  return (
    <div className="progress">
      <progress aria-label="Training progress" max={totalBatches} value={Math.min(done, totalBatches)} />
      <p data-testid="progress-text">
        Status: <strong data-testid="training-status">{status}</strong> ·{' '}
        {status === 'completed' ? (
          earlyStop ? (
            <>
              the head stopped early after epoch {earlyStop.epochsRun} of {progress.epochs} (no better validation mAP since epoch{' '}
              {earlyStop.bestEpoch}, the one kept)
            </>
          ) : (
            <>all {progress.epochs} epochs done</>
          )
        ) : (
          <>
            epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/{progress.batchesPerEpoch} · {progress.imagesPerSecond.toFixed(1)}{' '}
            images/s · ETA {formatDuration(progress.etaSeconds)}
          </>
        )}{' '}
        · {progress.trainPosters} training / {progress.validationPosters} validation posters
      </p>
    </div>
  );
}
