import { formatPercent } from './format';
import type { GenreVerdict, PosterOutcome } from './validationPosters';

interface PosterCardProps {
  outcome: PosterOutcome;
  /** Object URL of the poster image; omitted when the images are not at hand. */
  imageUrl?: string;
}

function VerdictList({ label, verdicts, wrongText }: { label: string; verdicts: GenreVerdict[]; wrongText: string }) {
  return (
    <div className="poster-card-genres">
      <span className="poster-card-label">{label}</span>
      {verdicts.length === 0 ? (
        <span className="hint">none</span>
      ) : (
        <ul aria-label={label}>
          {verdicts.map((v) => (
            <li key={v.genre} className={v.correct ? 'genre-chip' : 'genre-chip genre-chip--wrong'}>
              {v.genre} {formatPercent(v.probability)}
              {!v.correct && <span className="eval-sr-only"> ({wrongText})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One validation poster: the image, its true genres (missed ones marked) and the predicted ones (wrong ones marked). */
export function PosterCard({ outcome, imageUrl }: PosterCardProps) {
  return (
    <li
      className={outcome.mistake ? 'poster-card poster-card--mistake' : 'poster-card'}
      aria-label={`Poster ${outcome.id}`}
      data-mistake={outcome.mistake}
    >
      {imageUrl && <img src={imageUrl} alt={`Poster ${outcome.id}`} loading="lazy" decoding="async" />}
      <p className="poster-card-id">
        {outcome.id} <span className="poster-card-badge">{outcome.mistake ? 'mistake' : 'correct'}</span>
      </p>
      <VerdictList label="True genres" verdicts={outcome.trueGenres} wrongText="missed" />
      <VerdictList label="Predicted genres" verdicts={outcome.predictedGenres} wrongText="wrong" />
    </li>
  );
}
