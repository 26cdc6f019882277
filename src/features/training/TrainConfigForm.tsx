import { useEffect, useRef } from 'react';
import { BACKBONES } from '../../ml/backbones';
import { TRANSFER_DEFAULTS, usesBackbone, type HeadLossKind, type ModelKind } from '../../ml/trainConfig';
import { DEFAULT_TRAIN_CONFIG, type BackboneFilesInfo, type TrainConfig } from '../../worker/protocol';

interface TrainConfigFormProps {
  config: TrainConfig;
  onChange: (config: TrainConfig) => void;
  disabled: boolean;
  /** The backbone folder in use instead of the URL, if any. */
  backboneFiles: BackboneFilesInfo | null;
  onBackboneFiles: (files: File[]) => void;
}

type NumericKey = { [K in keyof TrainConfig]: TrainConfig[K] extends number ? K : never }[keyof TrainConfig];

interface NumberField {
  key: NumericKey;
  label: string;
  min: number;
  max: number;
  step: number;
  /** Shown only for these model kinds (all when absent). */
  kinds?: ModelKind[];
}

const FIELDS: NumberField[] = [
  { key: 'epochs', label: 'Epochs', min: 1, max: 1000, step: 1 },
  { key: 'fineTuneEpochs', label: 'Fine-tuning epochs', min: 0, max: 100, step: 1, kinds: ['mobilenet-finetune'] },
  { key: 'headEnsemble', label: 'Heads averaged', min: 1, max: 8, step: 1, kinds: ['mobilenet-frozen', 'mobilenet-finetune'] },
  { key: 'batchSize', label: 'Batch size', min: 1, max: 512, step: 1 },
  { key: 'learningRate', label: 'Learning rate', min: 1e-6, max: 1, step: 1e-4 },
  { key: 'height', label: 'Input height', min: 76, max: 1024, step: 1, kinds: ['tutorial-cnn'] },
  { key: 'width', label: 'Input width', min: 76, max: 1024, step: 1, kinds: ['tutorial-cnn'] },
  { key: 'valFraction', label: 'Validation fraction', min: 0, max: 0.9, step: 0.05 },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, step: 1 },
];

const MODEL_KINDS: Array<{ value: ModelKind; label: string }> = [
  { value: 'tutorial-cnn', label: 'Tutorial CNN (from scratch)' },
  { value: 'mobilenet-frozen', label: 'MobileNetV2 (ImageNet, pretrained): frozen features + head' },
  { value: 'mobilenet-finetune', label: 'MobileNetV2 (ImageNet, pretrained): head, then fine-tune top layers' },
];

const HEAD_LOSSES: Array<{ value: HeadLossKind; label: string }> = [
  { value: 'auto', label: 'Auto (best validation mAP)' },
  { value: 'bce', label: 'Binary cross-entropy' },
  { value: 'weighted-bce', label: 'Positive-weighted BCE' },
  { value: 'focal', label: 'Focal loss' },
];

/** Clamps a typed value into the field's range; keeps the old value when it is not a number. */
function clampField(field: NumberField, raw: string, previous: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return previous;
  const clamped = Math.min(field.max, Math.max(field.min, value));
  return field.step >= 1 ? Math.round(clamped) : clamped;
}

function switchKind(config: TrainConfig, modelKind: ModelKind): TrainConfig {
  if (usesBackbone(config) === (modelKind !== 'tutorial-cnn')) return { ...config, modelKind };
  const defaults = modelKind === 'tutorial-cnn' ? DEFAULT_TRAIN_CONFIG : TRANSFER_DEFAULTS;
  return { ...config, modelKind, epochs: defaults.epochs, batchSize: defaults.batchSize, learningRate: defaults.learningRate, height: defaults.height, width: defaults.width };
}

export function TrainConfigForm({ config, onChange, disabled, backboneFiles, onBackboneFiles }: TrainConfigFormProps) {
  const fields = FIELDS.filter((field) => !field.kinds || field.kinds.includes(config.modelKind));
  return (
    // Remounted on a change of model kind so the fields show that kind's defaults.
    <fieldset className="config-form" disabled={disabled} key={usesBackbone(config) ? 'transfer' : 'cnn'}>
      <legend>Training settings</legend>
      <label className="wide">
        Model
        <select value={config.modelKind} onChange={(event) => onChange(switchKind(config, event.target.value as ModelKind))}>
          {MODEL_KINDS.map((kind) => (
            <option key={kind.value} value={kind.value}>
              {kind.label}
            </option>
          ))}
        </select>
      </label>
      {usesBackbone(config) && (
        <>
          <label>
            Backbone
            <select value={config.backbone} onChange={(event) => onChange({ ...config, backbone: event.target.value as TrainConfig['backbone'] })}>
              {BACKBONES.map((backbone) => (
                <option key={backbone.id} value={backbone.id}>
                  {backbone.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Imbalance handling
            <select value={config.headLoss} onChange={(event) => onChange({ ...config, headLoss: event.target.value as HeadLossKind })}>
              {HEAD_LOSSES.map((loss) => (
                <option key={loss.value} value={loss.value}>
                  {loss.label}
                </option>
              ))}
            </select>
          </label>
          <label className="wide">
            Backbone URL (empty: the copy this app serves)
            <input
              type="url"
              disabled={backboneFiles !== null}
              defaultValue={config.backboneUrl}
              placeholder={BACKBONES.find((b) => b.id === config.backbone)?.localPath}
              onBlur={(event) => onChange({ ...config, backboneUrl: event.target.value.trim() })}
            />
          </label>
          <BackboneFolderPicker backboneFiles={backboneFiles} onBackboneFiles={onBackboneFiles} />
          <label className="wide checkbox">
            <input type="checkbox" checked={config.mirrorPosters} onChange={(event) => onChange({ ...config, mirrorPosters: event.target.checked })} />
            Mirror posters (the head also learns each poster&apos;s mirror image and predictions average both; twice the backbone work)
          </label>
        </>
      )}
      {fields.map((field) => (
        <label key={field.key}>
          {field.label}
          <input
            type="number"
            min={field.min}
            max={field.max}
            step={field.step}
            defaultValue={config[field.key]}
            onBlur={(event) => {
              const value = clampField(field, event.target.value, config[field.key]);
              event.target.value = String(value);
              onChange({ ...config, [field.key]: value });
            }}
            onChange={(event) => {
              const value = Number(event.target.value);
              if (event.target.value.trim() !== '' && Number.isFinite(value) && value >= field.min && value <= field.max) {
                onChange({ ...config, [field.key]: field.step >= 1 ? Math.round(value) : value });
              }
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}

/** Or the backbone from a folder on this machine (model.json + weight files), e.g. for offline use. */
function BackboneFolderPicker({ backboneFiles, onBackboneFiles }: Pick<TrainConfigFormProps, 'backboneFiles' | 'onBackboneFiles'>) {
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // React has no typed prop for it; it makes the input pick a whole folder.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  return (
    <div className="wide backbone-folder">
      <label>
        Backbone folder (model.json + weight files)
        <input ref={folderInput} type="file" multiple onChange={(event) => onBackboneFiles(Array.from(event.target.files ?? []))} />
      </label>
      {backboneFiles && (
        <p role="status" aria-label="Backbone source">
          Using {backboneFiles.description} ({backboneFiles.parameters.toLocaleString('en-US')} parameters) from the chosen folder instead of the URL.{' '}
          <button type="button" onClick={() => onBackboneFiles([])}>
            Use the URL
          </button>
        </p>
      )}
    </div>
  );
}
