/**
 * A chart legend's label in the page's text colour: recharts draws it in the
 * series colour, which on white is as faint as 1.8:1 (WCAG asks 4.5:1). The
 * swatch beside it keeps the series colour.
 */
export function legendText(value: string) {
  return <span className="chart-legend-text">{value}</span>;
}
