/** The typed client, derived from the contract: one `call` for every method, one `on` for events. */
import type { EventMap, EventName, MethodInput, MethodName, MethodOutput, RedkClient } from '../../../shared/contract';
import type { CallTrace, ErrorCode } from '../../../shared/errors';
import { sessionLost, sessionToken } from './session-token';
import { detectTransport, type Transport } from './transport';

/** An error the engine answered with; `message` is written for people, `code` for code. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface TracedClient extends RedkClient {
  transport: Transport;
  /** Every answered call's Redis trace (commands, keys, slots, nodes, times), for the drawer. */
  onTrace(listener: (trace: CallTrace) => void): () => void;
}

export function createClient(transport: Transport): TracedClient {
  const traceListeners = new Set<(trace: CallTrace) => void>();
  return {
    transport,
    onTrace(listener) {
      traceListeners.add(listener);
      return () => traceListeners.delete(listener);
    },
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const carried = sessionToken();
      const response = await transport.invoke(method, input);
      if (response.trace) traceListeners.forEach((l) => l(response.trace as CallTrace));
      if (response.ok) return response.data as MethodOutput<M>;
      // A social call refused for its session: the session is over, the app goes back to sign-in.
      // Only the session this call carried: a late answer to a call from before a new sign-in leaves the new one alone.
      if (response.error.code === 'unauthorized' && !method.startsWith('session.') && carried !== null) sessionLost(carried, response.error.message);
      throw new RpcError(response.error.code, response.error.message);
    },
    on<E extends EventName>(event: E, listener: (data: EventMap[E]) => void): () => void {
      return transport.subscribe((incoming) => {
        if (incoming.event === event) listener(incoming.data as EventMap[E]);
      });
    },
  };
}

export const client = createClient(detectTransport());
