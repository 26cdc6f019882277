import { lazy, Suspense, type ComponentType, type ReactElement } from 'react';

/**
 * The charts, loaded on first use. Recharts is most of the page's weight
 * (about 460 KB of the 720 KB the page had): loaded lazily, the page's entry
 * chunk stays under its 300 KB budget and the app starts sooner; the charts
 * arrive with the first data worth charting.
 */
function lazyChart<P extends object>(load: () => Promise<ComponentType<P>>): (props: P) => ReactElement {
  const Chart = lazy(async () => ({ default: await load() }));
  return function LazyChart(props: P) {
    return (
      <Suspense fallback={<p className="hint">Loading the chart…</p>}>
        <Chart {...props} />
      </Suspense>
    );
  };
}

export const GenreCountChart = lazyChart(async () => (await import('../dataset/GenreCountChart')).GenreCountChart);
export const GenreApChart = lazyChart(async () => (await import('../evaluate/GenreApChart')).GenreApChart);
export const PrCurveChart = lazyChart(async () => (await import('../evaluate/PrCurveChart')).PrCurveChart);
export const TrainingCharts = lazyChart(async () => (await import('../training/TrainingCharts')).TrainingCharts);
