import { useSyncExternalStore } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Below this width 25 slanted genre names overlap: the bars lie down, one named row per genre. */
const NARROW = '(max-width: 600px)';
const ROW_HEIGHT = 18;

function subscribeToWidth(onChange: () => void): () => void {
  const query = window.matchMedia(NARROW);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

const isNarrow = () => window.matchMedia(NARROW).matches;

/** Posters per genre, as bars: columns on a wide screen, rows on a phone. */
export function GenreCountChart({ counts }: { counts: ReadonlyArray<{ genre: string; posters: number }> }) {
  const narrow = useSyncExternalStore(subscribeToWidth, isNarrow, () => false);
  if (narrow) {
    return (
      <ResponsiveContainer width="100%" height={counts.length * ROW_HEIGHT + 40}>
        {/* right: room for half of the last tick's label ("160"), centred on the axis end. */}
        <BarChart data={counts} layout="vertical" margin={{ left: 8, right: 20 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" />
          <YAxis type="category" dataKey="genre" width={84} interval={0} fontSize={11} />
          <Tooltip />
          <Bar dataKey="posters" fill="#4a7bd0" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    );
  }
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={counts} margin={{ bottom: 40 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="genre" angle={-45} textAnchor="end" interval={0} fontSize={11} />
        <YAxis />
        <Tooltip />
        <Bar dataKey="posters" fill="#4a7bd0" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
