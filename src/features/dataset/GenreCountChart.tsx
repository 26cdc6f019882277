import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Posters per genre, as bars. */
export function GenreCountChart({ counts }: { counts: ReadonlyArray<{ genre: string; posters: number }> }) {
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
