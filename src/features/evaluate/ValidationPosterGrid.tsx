import { useMemo, useState } from 'react';
import { PosterCard } from './PosterCard';
import { useObjectUrls } from './useObjectUrls';
import { posterOutcomes, type ValidationPosters } from './validationPosters';

/** Cards rendered per "show more"; thousands of <img> at once would stall the page. */
export const POSTERS_PER_PAGE = 60;

interface ValidationPosterGridProps {
  genres: string[];
  posters: ValidationPosters;
}

/** Validation posters with true vs predicted genres, optionally only the mistakes. */
export function ValidationPosterGrid({ genres, posters }: ValidationPosterGridProps) {
  const [onlyMistakes, setOnlyMistakes] = useState(false);
  const [shown, setShown] = useState(POSTERS_PER_PAGE);
  const outcomes = useMemo(() => posterOutcomes(posters, genres), [posters, genres]);
  const imageUrls = useObjectUrls(posters.files);
  const mistakes = outcomes.filter((outcome) => outcome.mistake).length;
  const filtered = onlyMistakes ? outcomes.filter((outcome) => outcome.mistake) : outcomes;
  const visible = filtered.slice(0, shown);

  return (
    <div className="eval-posters">
      <div className="eval-posters-toolbar">
        <label className="eval-inline">
          <input type="checkbox" checked={onlyMistakes} onChange={(event) => setOnlyMistakes(event.target.checked)} />
          Only mistakes
        </label>
        <span className="hint" role="status">
          Showing {visible.length} of {filtered.length} · {mistakes} of {outcomes.length} posters are mistakes (predicted set ≠ true set)
        </span>
      </div>
      <ul className="poster-grid" aria-label="Validation posters">
        {visible.map((outcome) => (
          <PosterCard key={outcome.index} outcome={outcome} imageUrl={imageUrls[outcome.index]} />
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
