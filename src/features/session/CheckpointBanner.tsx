import { totalEpochs, usesBackbone } from '../../config/trainConfig';
import type { CheckpointInfo } from '../../worker/protocol';

interface CheckpointBannerProps {
  checkpoint: CheckpointInfo;
  canResume: boolean;
  onResume: (epochs: number) => void;
  onDiscard: () => void;
}

/** Offers to continue a run saved before a reload, a crash or a Stop. */
export function CheckpointBanner({ checkpoint, canResume, onResume, onDiscard }: CheckpointBannerProps) {
  const { metadata } = checkpoint;
  const total = totalEpochs(metadata.trainConfig);
  const finished = metadata.epochsCompleted >= total;
  const map = metadata.validation?.mapMacro;
  const backbone = usesBackbone(metadata.trainConfig);
  const headEpochs = metadata.trainConfig.epochs;
  // A pretrained head's stage counts as done at its last epoch, even when early stopping ended it sooner.
  const headRan = checkpoint.history.filter((epoch) => epoch.epoch <= headEpochs);
  const best = headRan.reduce<(typeof headRan)[number] | undefined>(
    (kept, epoch) => ((epoch.validation?.mapMacro ?? -1) > (kept?.validation?.mapMacro ?? -1) ? epoch : kept),
    undefined,
  );
  const stoppedEarly = backbone && metadata.epochsCompleted >= headEpochs && headRan.length > 0 && headRan.length < headEpochs;
  return (
    <div className="checkpoint" role="status" aria-label="Saved run">
      <p>
        Saved run: <strong>{metadata.modelKind}</strong> at {metadata.input.height}x{metadata.input.width},{' '}
        {stoppedEarly ? (
          <>
            the head stopped early after epoch {headRan.length} of {headEpochs} (kept: epoch {best?.epoch ?? headRan.length})
            {metadata.epochsCompleted > headEpochs && <>, then fine-tuned to epoch {metadata.epochsCompleted}</>}
            <span hidden data-testid="checkpoint-epoch">
              {metadata.epochsCompleted}
            </span>
          </>
        ) : (
          <>
            epoch <strong data-testid="checkpoint-epoch">{metadata.epochsCompleted}</strong> of {total}
          </>
        )}
        {map != null && <> · validation mAP {map.toFixed(3)}</>} · saved {new Date(checkpoint.savedAt).toLocaleString()}
        {!checkpoint.optimizerSaved && <> · optimizer state not saved (Adam restarts)</>}
      </p>
      {checkpoint.matchesDataset === null && <p className="hint">Drop the dataset it was trained on to resume.</p>}
      {checkpoint.matchesDataset === false && <p className="hint">The dataset loaded now differs from the one this run was trained on.</p>}
      <div className="buttons">
        <button type="button" disabled={!canResume} onClick={() => onResume(finished ? metadata.epochsCompleted + 5 : total)}>
          {finished ? (backbone ? 'Fine-tune for 5 more epochs' : 'Continue for 5 more epochs') : `Resume from epoch ${metadata.epochsCompleted + 1}`}
        </button>
        <button type="button" disabled={!canResume && checkpoint.matchesDataset !== null} onClick={onDiscard}>
          Discard saved run
        </button>
      </div>
    </div>
  );
}
