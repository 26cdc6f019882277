import { useEffect, useState } from 'react';
import { formatDuration } from './formatDuration';

/** What the run is doing before its first batch ends, and how long it has been going: a sign of life from the first second. */
export function RunPhase({ phase, startedAt }: { phase: string; startedAt?: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const elapsed = startedAt ? (now - startedAt) / 1000 : 0;
  return (
    <p className="phase" role="status" aria-label="Run phase">
      {phase.charAt(0).toUpperCase() + phase.slice(1)}… {elapsed >= 1 && <span className="hint">({formatDuration(elapsed)} so far)</span>}
    </p>
  );
}
