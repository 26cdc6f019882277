import { useEffect, useId, useRef, useState } from 'react';
import { BACKBONES, DEFAULT_TRAIN_CONFIG, HEAD_LOSSES, MODEL_KINDS, SETTING_LIMITS, TRANSFER_DEFAULTS } from '../../config/registry.js';
import { usesBackbone, type HeadLossKind, type ModelKind } from '../../config/trainConfig';
import type { BackboneFilesInfo, TrainConfig } from '../../worker/protocol';

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
  /** The input's spinner step; whole numbers when `integer`. */
  step: number;
  integer: boolean;
  /** Shown only for these model kinds (all when absent). */
  kinds?: ModelKind[];
  /** Why the range is what it is, when that is not obvious. */
  why?: string;
}

/** The form's number fields, in order; labels and limits come from the registry. */
const FIELDS: NumberField[] = (
  [
    ['epochs', 1],
    ['fineTuneEpochs', 1, ['mobilenet-finetune']],
    ['headEnsemble', 1, ['mobilenet-frozen', 'mobilenet-finetune']],
    ['batchSize', 1],
    ['learningRate', 1e-4],
    ['height', 1, ['tutorial-cnn']],
    ['width', 1, ['tutorial-cnn']],
    ['valFraction', 0.05],
    ['seed', 1],
  ] as Array<[NumericKey, number, ModelKind[]?]>
).map(([key, step, kinds]) => ({ key, ...SETTING_LIMITS[key], step, kinds }));

/**
 * A typed value moved into the field's range (the old value when it is not a
 * number), and what to tell the user when it was moved: never silently.
 */
function clampField(field: NumberField, raw: string, previous: number): { value: number; note?: string } {
  const typed = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(typed)) return { value: previous, note: `"${raw}" is not a number: kept ${previous}.` };
  const clamped = Math.min(field.max, Math.max(field.min, typed));
  const value = field.integer ? Math.round(clamped) : clamped;
  if (value === typed) return { value };
  const range = `${field.label} runs from ${field.min} to ${field.max}${field.integer ? ', whole numbers' : ''}`;
  return { value, note: `Set to ${value}, not ${raw}: ${range}${field.why && typed < field.min ? ` (${field.why})` : ''}.` };
}

function switchKind(config: TrainConfig, modelKind: ModelKind): TrainConfig {
  if (usesBackbone(config) === (modelKind !== 'tutorial-cnn')) return { ...config, modelKind };
  const defaults = modelKind === 'tutorial-cnn' ? DEFAULT_TRAIN_CONFIG : TRANSFER_DEFAULTS;
  return {
    ...config,
    modelKind,
    epochs: defaults.epochs,
    batchSize: defaults.batchSize,
    learningRate: defaults.learningRate,
    height: defaults.height,
    width: defaults.width,
  };
}

export function TrainConfigForm({ config, onChange, disabled, backboneFiles, onBackboneFiles }: TrainConfigFormProps) {
  const fields = FIELDS.filter((field) => !field.kinds || field.kinds.includes(config.modelKind));
  const [notes, setNotes] = useState<Partial<Record<NumericKey, string>>>({});
  // What is being typed, until the field loses focus; otherwise the field shows the settings, which
  // may also change from elsewhere (an estimate's faster settings, a restored run).
  const [drafts, setDrafts] = useState<Partial<Record<NumericKey, string>>>({});
  const noteId = useId();
  return (
    <fieldset className="config-form" disabled={disabled}>
      <legend>Training settings</legend>
      <label className="wide">
        Model
        <select value={config.modelKind} onChange={(event) => onChange(switchKind(config, event.target.value as ModelKind))}>
          {MODEL_KINDS.map((kind) => (
            <option key={kind.id} value={kind.id}>
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
                <option key={loss.id} value={loss.id}>
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
            <input
              type="checkbox"
              checked={config.mirrorPosters}
              onChange={(event) => onChange({ ...config, mirrorPosters: event.target.checked })}
            />
            Mirror posters (the head also learns each poster&apos;s mirror image and predictions average both; twice the backbone work)
          </label>
        </>
      )}
      {fields.map((field) => (
        // The note sits outside the label, so the field's name stays its label; aria-describedby reads the note.
        <div key={field.key}>
          <label>
            {field.label}
            <input
              type="number"
              min={field.min}
              max={field.max}
              step={field.step}
              value={drafts[field.key] ?? String(config[field.key])}
              aria-describedby={notes[field.key] ? `${noteId}-${field.key}` : undefined}
              onBlur={(event) => {
                const { value, note } = clampField(field, event.target.value, config[field.key]);
                setDrafts((current) => ({ ...current, [field.key]: undefined }));
                setNotes((current) => ({ ...current, [field.key]: note }));
                onChange({ ...config, [field.key]: value });
              }}
              onChange={(event) => {
                setDrafts((current) => ({ ...current, [field.key]: event.target.value }));
                const value = Number(event.target.value);
                if (event.target.value.trim() !== '' && Number.isFinite(value) && value >= field.min && value <= field.max) {
                  onChange({ ...config, [field.key]: field.integer ? Math.round(value) : value });
                }
              }}
            />
          </label>
          {notes[field.key] && (
            <span className="field-note" id={`${noteId}-${field.key}`} role="status">
              {notes[field.key]}
            </span>
          )}
        </div>
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
