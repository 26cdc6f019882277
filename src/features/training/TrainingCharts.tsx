import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EpochMetrics } from '../../worker/protocol';
import { legendText } from '../chartLegend';

interface Series {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
}

function EpochChart({ title, data, series }: { title: string; data: Array<Record<string, number | null>>; series: Series[] }) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" allowDecimals={false} />
          <YAxis domain={['auto', 'auto']} />
          <Tooltip />
          <Legend formatter={legendText} />
          {series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeDasharray={s.dashed ? '5 5' : undefined}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Loss and accuracy per epoch, training vs validation, with the constant-prior baseline dashed. */
export function TrainingCharts({ history }: { history: EpochMetrics[] }) {
  const rows = history.map((m) => ({
    epoch: m.epoch,
    trainLoss: m.train.loss,
    valLoss: m.validation?.bce ?? null,
    trainAccuracy: m.train.labelAccuracy,
    valAccuracy: m.validation?.labelAccuracy ?? null,
    valMap: m.validation?.mapMacro ?? null,
    baselineMap: m.baseline?.mapMacro ?? null,
    valAuc: m.validation?.aucMacro ?? null,
    valF1: m.validation?.f1MacroTuned ?? null,
    baselineF1: m.baseline?.f1MacroAt05 ?? null,
  }));
  return (
    <div className="charts">
      <EpochChart
        title="Loss (binary cross-entropy)"
        data={rows}
        series={[
          { key: 'trainLoss', name: 'training', color: '#4a7bd0' },
          { key: 'valLoss', name: 'validation', color: '#d0734a' },
        ]}
      />
      <EpochChart
        title="Per-label accuracy (threshold 0.5; ~0.91 = predicting nothing)"
        data={rows}
        series={[
          { key: 'trainAccuracy', name: 'training', color: '#4a7bd0' },
          { key: 'valAccuracy', name: 'validation', color: '#d0734a' },
        ]}
      />
      <EpochChart
        title="Validation mAP and AUC (macro) vs constant prior"
        data={rows}
        series={[
          { key: 'valMap', name: 'mAP', color: '#2e9d5b' },
          { key: 'baselineMap', name: 'mAP, constant prior', color: '#2e9d5b', dashed: true },
          { key: 'valAuc', name: 'ROC AUC', color: '#8a4ad0' },
          { key: 'valF1', name: 'F1 macro (tuned)', color: '#d0a04a' },
        ]}
      />
    </div>
  );
}
