/** The page shows the latest lines; "Download log" saves them all. */
export const SHOWN_LOG_LINES = 500;

export function TrainingLog({ lines }: { lines: string[] }) {
  return (
    <pre className="log" role="log" aria-label="Training log" data-testid="training-log" tabIndex={0}>
      {lines.slice(-SHOWN_LOG_LINES).join('\n')}
    </pre>
  );
}
