import { useEffect } from 'react';
import { usesBackbone } from '../../config/trainConfig';
import type { ModelMetadata } from '../../config/modelMetadata';
import type { ExportedFile, ModelInfo } from '../../worker/protocol';
import { downloadFile } from '../downloadFile';

/**
 * How far the model trained. A pretrained model's head stage counts as all its
 * epochs even when early stopping ended it sooner (the best epoch is kept), so
 * its count is not said as epochs trained.
 */
function describeEpochs({ trainConfig, epochsCompleted }: ModelMetadata): string {
  if (!usesBackbone(trainConfig)) return `${epochsCompleted} epoch${epochsCompleted === 1 ? '' : 's'}`;
  if (epochsCompleted <= trainConfig.epochs) return 'head trained with early stopping (its best validation epoch kept)';
  return `head trained, then fine-tuned for ${epochsCompleted - trainConfig.epochs} epoch${epochsCompleted - trainConfig.epochs === 1 ? '' : 's'}`;
}

interface ModelFilesPanelProps {
  model: ModelInfo | null;
  exported?: ExportedFile[];
  disabled: boolean;
  onExport: () => void;
  onDelivered: () => void;
  onImport: (files: File[]) => void;
}

/** Export the model in memory as files; import such files to predict or to continue training. */
export function ModelFilesPanel({ model, exported, disabled, onExport, onDelivered, onImport }: ModelFilesPanelProps) {
  useEffect(() => {
    if (!exported) return;
    exported.forEach((file) => downloadFile(file.name, file.data, file.mime));
    onDelivered();
  }, [exported, onDelivered]);

  return (
    <div className="model-files">
      {model ? (
        <p data-testid="model-info">
          Model in use: <strong>{model.metadata.modelKind}</strong> ({model.source}), {model.metadata.genres.length} genres, input{' '}
          {model.metadata.input.height}x{model.metadata.input.width}, {describeEpochs(model.metadata)}
          {model.metadata.validation?.mapMacro != null && <>, validation mAP {model.metadata.validation.mapMacro.toFixed(3)}</>}
        </p>
      ) : (
        <p className="hint">No trained model yet.</p>
      )}
      <div className="picker-row">
        <button type="button" disabled={!model || disabled} onClick={onExport}>
          Export model
        </button>
        <label>
          Import model files (model.json, weights.bin, metadata.json)
          <input
            type="file"
            multiple
            accept=".json,.bin"
            disabled={disabled}
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              if (files.length > 0) onImport(files);
              event.target.value = '';
            }}
          />
        </label>
      </div>
    </div>
  );
}
