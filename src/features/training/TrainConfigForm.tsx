import type { TrainConfig } from '../../worker/protocol';

interface TrainConfigFormProps {
  config: TrainConfig;
  onChange: (config: TrainConfig) => void;
  disabled: boolean;
}

interface NumberField {
  key: Exclude<keyof TrainConfig, 'modelKind'>;
  label: string;
  min: number;
  max: number;
  step: number;
}

const FIELDS: NumberField[] = [
  { key: 'epochs', label: 'Epochs', min: 1, max: 1000, step: 1 },
  { key: 'batchSize', label: 'Batch size', min: 1, max: 512, step: 1 },
  { key: 'learningRate', label: 'Learning rate', min: 1e-6, max: 1, step: 1e-4 },
  { key: 'height', label: 'Input height', min: 76, max: 1024, step: 1 },
  { key: 'width', label: 'Input width', min: 76, max: 1024, step: 1 },
  { key: 'valFraction', label: 'Validation fraction', min: 0, max: 0.9, step: 0.05 },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, step: 1 },
];

/** Clamps a typed value into the field's range; keeps the old value when it is not a number. */
function clampField(field: NumberField, raw: string, previous: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return previous;
  const clamped = Math.min(field.max, Math.max(field.min, value));
  return field.step >= 1 ? Math.round(clamped) : clamped;
}

export function TrainConfigForm({ config, onChange, disabled }: TrainConfigFormProps) {
  return (
    <fieldset className="config-form" disabled={disabled}>
      <legend>Training settings</legend>
      {FIELDS.map((field) => (
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
