import { Component, type ReactNode } from 'react';

interface PanelBoundaryProps {
  /** The panel's name, for the message. */
  name: string;
  children: ReactNode;
  /** Deletes the saved runs, the cache and the spill, then reloads (see App). */
  onClearSiteData: () => void;
}

/**
 * A panel that fails to render says so and leaves the rest of the page
 * working: a hostile model file or a damaged saved run must never blank the
 * app. "Clear this site's data" stays reachable from here.
 */
export class PanelBoundary extends Component<PanelBoundaryProps, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div role="alert" className="errors">
        <p>
          The {this.props.name} panel failed: {error.message}. The rest of the app still works.
        </p>
        <div className="buttons">
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <button type="button" onClick={this.props.onClearSiteData}>
            Clear this site&apos;s data
          </button>
        </div>
      </div>
    );
  }
}
