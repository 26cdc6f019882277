import { useState } from 'react';
import { explanationKey, type Explanation } from '../appState';
import { SaliencyCanvas } from './SaliencyCanvas';
import { explainSaliency } from './saliencyText';

/** What a poster view needs to explain genres: the maps so far, and a way to ask for one. */
export interface ExplainApi {
  /** False while no model can explain (none trained or loaded). */
  enabled: boolean;
  explanations: Record<string, Explanation>;
  explain: (file: File, genre: string) => void;
}

interface ExplainedPosterProps {
  file: File;
  imageUrl: string;
  alt: string;
  /** The genres offered, most relevant first. */
  genres: string[];
  api: ExplainApi;
  className?: string;
}

/** A poster with "Why <genre>?" buttons: the chosen genre's saliency map is drawn over it, and said in words. */
export function ExplainedPoster({ file, imageUrl, alt, genres, api, className }: ExplainedPosterProps) {
  const [chosen, setChosen] = useState<string | undefined>();
  const explanation = chosen ? api.explanations[explanationKey(file.name, chosen)] : undefined;

  const choose = (genre: string) => {
    if (genre === chosen) {
      setChosen(undefined);
      return;
    }
    setChosen(genre);
    const known = api.explanations[explanationKey(file.name, genre)];
    if (!known || known.status === 'failed') api.explain(file, genre);
  };

  return (
    <div className={className ? `explained-poster ${className}` : 'explained-poster'}>
      <div className="poster-frame">
        <img src={imageUrl} alt={alt} loading="lazy" decoding="async" />
        {explanation?.status === 'ready' && <SaliencyCanvas grid={explanation.saliency} />}
      </div>
      {api.enabled && genres.length > 0 && (
        <div className="why-buttons" role="group" aria-label={`Why these genres for ${file.name}`}>
          <span className="hint">Why:</span>
          {genres.map((genre) => (
            <button key={genre} type="button" className="why-button" aria-pressed={chosen === genre} onClick={() => choose(genre)}>
              {genre}
            </button>
          ))}
        </div>
      )}
      {chosen && (
        <p className="hint why-text" role="status">
          {explanation?.status === 'ready'
            ? explainSaliency(chosen, explanation.saliency)
            : explanation?.status === 'failed'
              ? `Could not explain ${chosen}: ${explanation.message}`
              : `Hiding one region of the poster at a time to see where ${chosen} comes from…`}
        </p>
      )}
    </div>
  );
}
