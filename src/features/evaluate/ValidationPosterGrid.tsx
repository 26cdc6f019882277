import { useId, useMemo, useState } from 'react';
import type { ExplainApi } from '../explain/ExplainedPoster';
import { PosterCard } from './PosterCard';
import { useObjectUrls } from './useObjectUrls';
import { MISTAKE_KINDS, posterOutcomes, type MistakeKind, type ValidationPosters } from './validationPosters';

/** Cards rendered per "show more"; thousands of <img> at once would stall the page. */
export const POSTERS_PER_PAGE = 60;

interface ValidationPosterGridProps {
  genres: string[];
  posters: ValidationPosters;
  /** "Why this genre" on each card, when the poster files are at hand. */
  explain?: ExplainApi;
}

/** Validation posters with true vs predicted genres, filtered by the kind of mistake. */
export function ValidationPosterGrid({ genres, posters, explain }: ValidationPosterGridProps) {
  const filterId = useId();
  const [filter, setFilter] = useState<MistakeKind | 'all'>('all');
  const [shown, setShown] = useState(POSTERS_PER_PAGE);
  const outcomes = useMemo(() => posterOutcomes(posters, genres), [posters, genres]);
  const imageUrls = useObjectUrls(posters.files);
  const counts = useMemo(
    () => Object.fromEntries(MISTAKE_KINDS.map(({ key }) => [key, outcomes.filter((outcome) => outcome[key]).length])) as Record<MistakeKind, number>,
    [outcomes],
  );
  const filtered = filter === 'all' ? outcomes : outcomes.filter((outcome) => outcome[filter]);
  const visible = filtered.slice(0, shown);

  return (
    <div className="eval-posters">
      <div className="eval-posters-toolbar">
        <label htmlFor={filterId}>Show</label>
        <select id={filterId} value={filter} onChange={(event) => setFilter(event.target.value as MistakeKind | 'all')}>
          <option value="all">All posters ({outcomes.length})</option>
          {MISTAKE_KINDS.map(({ key, label }) => (
            <option key={key} value={key}>
              {label} ({counts[key]})
            </option>
          ))}
        </select>
        <span className="hint" role="status">
          Showing {visible.length} of {filtered.length} · top genre wrong on {counts.topWrong} of {outcomes.length} posters
        </span>
      </div>
      <ul className="poster-grid" aria-label="Validation posters">
        {visible.map((outcome) => (
          <PosterCard
            key={outcome.index}
            outcome={outcome}
            imageUrl={imageUrls[outcome.index]}
            file={posters.files?.[outcome.index]}
            topGenres={topGenres(posters, genres, outcome.index)}
            explain={explain}
          />
        ))}
      </ul>
      {filtered.length > visible.length && (
        <button type="button" onClick={() => setShown(shown + POSTERS_PER_PAGE)}>
          Show more ({filtered.length - visible.length} hidden)
        </button>
      )}
    </div>
  );
}

/** The poster's three most probable genres, most probable first: the ones "why" is offered for. */
function topGenres(posters: ValidationPosters, genres: readonly string[], index: number): string[] {
  const start = index * genres.length;
  return genres
    .map((genre, j) => ({ genre, p: posters.probs[start + j] }))
    .sort((a, b) => b.p - a.p)
    .slice(0, 3)
    .map((entry) => entry.genre);
}
