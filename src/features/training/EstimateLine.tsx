import type { TrainConfig } from '../../config/trainConfig';
import type { WorkerEvent } from '../../worker/protocol';
import { formatDuration } from './formatDuration';

interface EstimateLineProps {
  estimate?: Extract<WorkerEvent, { type: 'estimate' }>;
  /** The settings in the form now: an estimate made for others is stale. */
  config: TrainConfig;
  /** Applies faster settings the estimate offers. */
  onUse: (patch: Partial<TrainConfig>) => void;
}

/** Whether an estimate was made for these settings. */
function sameRun(a: TrainConfig, b: TrainConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What the run will cost, measured before it is paid; on a slow machine, what would be faster. */
export function EstimateLine({ estimate, config, onUse }: EstimateLineProps) {
  if (!estimate || !sameRun(estimate.config, config)) {
    return (
      <p className="hint" role="status" aria-label="Time estimate">
        Estimating how long this run would take here…
      </p>
    );
  }
  const long = estimate.seconds > 20 * 60;
  return (
    <div className={long ? 'estimate estimate--long' : 'estimate'} role="status" aria-label="Time estimate">
      <p>
        About <strong data-testid="estimate-total">{formatDuration(estimate.seconds)}</strong> on {estimate.backend}:{' '}
        {estimate.parts.map((part) => `${part.label} (${formatDuration(part.seconds)})`).join(', ')}.
        {estimate.softwareGpu &&
          estimate.config.modelKind === 'tutorial-cnn' &&
          ' This GPU is a software one (emulated on the CPU), so training from scratch is slow here.'}
      </p>
      {estimate.alternatives.length > 0 && (
        <p>
          Faster:{' '}
          {estimate.alternatives.map((alternative, k) => (
            <span key={alternative.label}>
              {k > 0 && '; or '}
              <button type="button" className="link-button" onClick={() => onUse(alternative.patch)}>
                {alternative.label}, about {formatDuration(alternative.seconds)}
              </button>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
