import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** A bug in one screen shows as a message with a way back, never as a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section className="panel">
        <div className="error" role="alert" data-testid="crash">
          <span>
            <strong>This screen stopped working.</strong> {this.state.error.message}
          </span>
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      </section>
    );
  }
}
