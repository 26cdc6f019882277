export function TrainingLog({ lines }: { lines: string[] }) {
  return (
    <pre className="log" aria-label="Training log" data-testid="training-log">
      {lines.join('\n')}
    </pre>
  );
}
