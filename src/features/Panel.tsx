import type { ReactNode } from 'react';
import { PanelBoundary } from './PanelBoundary';

interface PanelProps {
  /** Base of the heading's id (`${id}-heading`), which names the section. */
  id: string;
  title: string;
  onClearSiteData: () => void;
  children: ReactNode;
}

/** One numbered section of the page; a failure inside it stays inside it. */
export function Panel({ id, title, onClearSiteData, children }: PanelProps) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <PanelBoundary name={title.replace(/^\d+\.\s*/, '')} onClearSiteData={onClearSiteData}>
        {children}
      </PanelBoundary>
    </section>
  );
}
