import { ExplainedPoster, type ExplainApi } from '../explain/ExplainedPoster';
import { formatPercent } from './format';
import type { GenreVerdict, PosterOutcome } from './validationPosters';

interface PosterCardProps {
  outcome: PosterOutcome;
  /** Object URL of the poster image; omitted when the images are not at hand. */
  imageUrl?: string;
  /** The poster file, to explain genres on it. */
  file?: File;
  /** Genres "why" is offered for: the three most probable. */
  topGenres: string[];
  explain?: ExplainApi;
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

/** The kinds of mistake on a card, in words (colour alone would not say it). */
function mistakeText(outcome: PosterOutcome): string {
  if (!outcome.mistake) return 'correct';
  const kinds = [outcome.topWrong && 'top genre wrong', outcome.missed && 'missed a genre', outcome.falseAlarm && 'false genre'].filter(Boolean);
  return kinds.join(' · ');
}

/** One validation poster: the image, its true genres (missed ones marked) and the predicted ones (wrong ones marked). */
export function PosterCard({ outcome, imageUrl, file, topGenres, explain }: PosterCardProps) {
  return (
    <li
      className={outcome.mistake ? 'poster-card poster-card--mistake' : 'poster-card'}
      aria-label={`Poster ${outcome.id}`}
      data-mistake={outcome.mistake}
    >
      {imageUrl && file && explain ? (
        <ExplainedPoster file={file} imageUrl={imageUrl} alt={`Poster ${outcome.id}`} genres={topGenres} api={explain} />
      ) : (
        imageUrl && <img src={imageUrl} alt={`Poster ${outcome.id}`} loading="lazy" decoding="async" />
      )}
      <p className="poster-card-id">
        {outcome.id} <span className="poster-card-badge">{mistakeText(outcome)}</span>
      </p>
      <VerdictList label="True genres" verdicts={outcome.trueGenres} wrongText="missed" />
      <VerdictList label="Predicted genres" verdicts={outcome.predictedGenres} wrongText="wrong" />
    </li>
  );
}
