/**
 * Seeded train/validation split by iterative stratification (Sechidis,
 * Tsoumakas & Vlahavas, "On the stratification of multi-label data", 2011).
 *
 * A random split of ~7k posters over 25 genres leaves rare genres (a handful
 * of posters each) missing from validation, which makes their AP undefined
 * and every macro average noisy. Iterative stratification deals the rarest
 * genre's posters first, each to the side that still "wants" that genre most.
 */
import { createRng, randomInt, shuffleInPlace } from '../lib/random';
import type { Rng } from '../lib/random';

export interface TrainValidationSplit {
  /** Sample indices, ascending. */
  train: number[];
  /** Sample indices, ascending. Disjoint from train; together they cover every sample. */
  validation: number[];
}

const TRAIN = 0;
const VALIDATION = 1;
type Side = typeof TRAIN | typeof VALIDATION;

/** Index of the largest allowed value, ties broken at random; -1 when nothing is allowed. */
function argMaxRandomTie(values: readonly number[], allowed: readonly boolean[], rng: Rng): number {
  let best = -Infinity;
  const winners: number[] = [];
  values.forEach((value, index) => {
    if (!allowed[index]) return;
    if (value > best) {
      best = value;
      winners.length = 0;
    }
    if (value === best) winners.push(index);
  });
  return winners.length === 0 ? -1 : winners[randomInt(rng, winners.length)];
}

/**
 * The side with the largest allowed value, ties at random.
 * IMPORTANT: callers only ask while a side has room; room always sums to the
 * unassigned count, so at least one side is allowed.
 */
function pickSide(values: readonly number[], allowed: readonly boolean[], rng: Rng): Side {
  const side = argMaxRandomTie(values, allowed, rng);
  if (side !== TRAIN && side !== VALIDATION) throw new Error('split invariant broken: no side has room');
  return side;
}

/**
 * Per genre, how many of its posters each side should get: the paper's
 * |D^genre| * ratio, except that a genre with >= 2 posters asks for at least 1
 * on each side when both sides exist, so rare genres can be evaluated at all.
 */
function desiredPerGenre(genreTotals: readonly number[], valFraction: number, bothSidesExist: boolean): number[][] {
  const validation = genreTotals.map((total) => {
    const proportional = total * valFraction;
    if (!bothSidesExist || total < 2) return proportional;
    return Math.min(total - 1, Math.max(1, proportional));
  });
  const train = genreTotals.map((total, genre) => total - validation[genre]);
  return [train, validation];
}

/**
 * labels: one multi-hot Uint8Array [numGenres] per unique poster (all the same
 * length). Returns indices into `labels`.
 *
 * Guarantees: the validation side has exactly round(n * valFraction) samples
 * (a side that is full is never chosen — the one change to the paper, which
 * only approximates sizes); same inputs and seed give the same split;
 * valFraction 0 puts everything in train; posters with no genre are dealt last
 * to whichever side still has room.
 */
export function splitTrainValidation(labels: ReadonlyArray<ArrayLike<number>>, valFraction: number, seed: number): TrainValidationSplit {
  if (!(valFraction >= 0 && valFraction <= 1)) {
    throw new RangeError(`valFraction must be in [0, 1], got ${valFraction}`);
  }
  const numSamples = labels.length;
  const numGenres = numSamples === 0 ? 0 : labels[0].length;
  labels.forEach((row, index) => {
    if (row.length !== numGenres) {
      throw new RangeError(`sample ${index} has ${row.length} labels, expected ${numGenres}`);
    }
  });

  const rng = createRng(seed);
  const validationSize = Math.round(numSamples * valFraction);
  // Room left per side; IMPORTANT: always sums to the number of unassigned samples.
  const room = [numSamples - validationSize, validationSize];

  const genreTotals = new Array<number>(numGenres).fill(0);
  for (const row of labels) for (let genre = 0; genre < numGenres; genre++) if (row[genre] !== 0) genreTotals[genre]++;
  const desired = desiredPerGenre(genreTotals, valFraction, room[TRAIN] > 0 && room[VALIDATION] > 0);

  const side = new Int8Array(numSamples).fill(-1);
  // A random visiting order decides which posters of a genre are dealt first.
  const visitOrder = shuffleInPlace(
    Array.from({ length: numSamples }, (_, i) => i),
    rng,
  );

  // Unassigned posters per genre.
  const remaining = [...genreTotals];
  const assign = (sample: number, target: Side): void => {
    side[sample] = target;
    room[target]--;
    const row = labels[sample];
    for (let genre = 0; genre < numGenres; genre++) {
      if (row[genre] === 0) continue;
      desired[target][genre]--;
      remaining[genre]--;
    }
  };

  for (;;) {
    // The genre with the fewest (but some) unassigned posters goes next.
    const hasRemaining = remaining.map((count) => count > 0);
    const genre = argMaxRandomTie(
      remaining.map((count) => -count),
      hasRemaining,
      rng,
    );
    if (genre === -1) break;

    for (const sample of visitOrder) {
      if (side[sample] !== -1 || labels[sample][genre] === 0) continue;
      const hasRoom = room.map((left) => left > 0);
      // Side that wants this genre most; ties go to the side with more room, then to chance.
      const wantMost = Math.max(...desired.map((perGenre, s) => (hasRoom[s] ? perGenre[genre] : -Infinity)));
      const candidates = desired.map((perGenre, s) => hasRoom[s] && perGenre[genre] === wantMost);
      assign(sample, pickSide(room, candidates, rng));
    }
  }

  // Posters without any genre fill whatever room is left.
  for (const sample of visitOrder) {
    if (side[sample] !== -1) continue;
    assign(sample, pickSide(room, [true, true], rng));
  }

  const train: number[] = [];
  const validation: number[] = [];
  side.forEach((s, sample) => (s === VALIDATION ? validation : train).push(sample));
  return { train, validation };
}
