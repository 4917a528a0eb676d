import { AppError } from '../errors';

/**
 * Spaces out the operations that fail a master over on purpose (the drill and the manual
 * failover share one): the next may start `ms` after the last one ended. One that starts
 * earlier is refused with rate_limited, saying when it may run.
 */
export class FailoverCooldown {
  private lastEnded: { at: number; what: string } | null = null;

  constructor(
    private readonly ms: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws rate_limited while the last failover ended less than `ms` ago. */
  check(what: string): void {
    if (this.ms <= 0 || this.lastEnded === null) return;
    const since = this.clock() - this.lastEnded.at;
    if (since >= this.ms) return;
    const wait = ((this.ms - since) / 1000).toFixed(1);
    throw new AppError(
      'rate_limited',
      `Cannot start ${what} yet: ${this.lastEnded.what} ended ${(since / 1000).toFixed(1)} s ago, and failovers are spaced ` +
        `${(this.ms / 1000).toFixed(1)} s apart (redis.failoverCooldownMs) so the cluster settles and its masters vote again. ` +
        `Try again in ${wait} s.`,
    );
  }

  /** A failover's fault was delivered and the operation has now ended, however: the cooldown starts. */
  ended(what: string): void {
    this.lastEnded = { at: this.clock(), what };
  }
}
