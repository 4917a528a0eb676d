/** Short-lived connections to one cluster node, for admin work that must target a node by port. */
import { Redis } from 'ioredis';

export interface NodeAddress {
  host: string;
  port: number;
  /** The node's requirepass, when not given apart. */
  password?: string;
}

export function connectNode(addr: NodeAddress, password = addr.password): Redis {
  return new Redis({
    host: addr.host,
    port: addr.port,
    password,
    lazyConnect: true,
    connectTimeout: 1500,
    commandTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    enableReadyCheck: false,
  });
}

/** Runs `fn` against one node and always closes the connection. */
export async function withNode<T>(addr: NodeAddress, fn: (node: Redis) => Promise<T>, password?: string): Promise<T> {
  const node = connectNode(addr, password ?? addr.password);
  node.on('error', () => {
    /* surfaced by the command that fails */
  });
  try {
    await node.connect();
    return await fn(node);
  } finally {
    node.disconnect();
  }
}

/** The raw text reply of a command that answers a bulk string (CLUSTER NODES, INFO ...). */
export async function textCommand(node: Redis, command: string, ...args: string[]): Promise<string> {
  const reply = await node.call(command, ...args);
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply);
}
