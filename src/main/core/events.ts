import type { EngineEvent, EventMap, EventName } from '../../shared/contract';

export type EventListener = (event: EngineEvent) => void;

/** The engine's one outlet for pushed events; the Electron glue and the web shell subscribe. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, data: EventMap[E]): void {
    for (const listener of this.listeners) {
      try {
        listener({ event, data } as EngineEvent);
      } catch {
        // One broken subscriber (a closed socket, a destroyed window) must not stop the others.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
