import { describe, expect, it } from 'vitest';
import { FailoverCooldown } from '../../src/main/core/cluster/cooldown';
import { AppError } from '../../src/main/core/errors';

describe('FailoverCooldown', () => {
  const refusal = (cooldown: FailoverCooldown, what: string) => {
    try {
      cooldown.check(what);
      return null;
    } catch (err) {
      return err as AppError;
    }
  };

  it('lets the first one through, refuses the next until ms after the last ended, then lets it through', () => {
    let now = 1_000_000;
    const cooldown = new FailoverCooldown(10_000, () => now);
    expect(refusal(cooldown, 'a failover drill')).toBeNull();
    now += 30_000; // a long drill: the cooldown counts from its end, not its start
    cooldown.ended('the last failover drill');
    now += 2_500;
    const refused = refusal(cooldown, 'a manual failover');
    expect(refused).toBeInstanceOf(AppError);
    expect(refused!.code).toBe('rate_limited');
    expect(refused!.status).toBe(429);
    expect(refused!.message).toBe(
      'Cannot start a manual failover yet: the last failover drill ended 2.5 s ago, and failovers are spaced 10.0 s apart ' +
        '(redis.failoverCooldownMs) so the cluster settles and its masters vote again. Try again in 7.5 s.',
    );
    now += 7_499;
    expect(refusal(cooldown, 'a manual failover')?.code).toBe('rate_limited');
    now += 1;
    expect(refusal(cooldown, 'a manual failover')).toBeNull();
  });

  it('0 turns it off', () => {
    const cooldown = new FailoverCooldown(0, () => 5);
    cooldown.ended('the last manual failover');
    expect(refusal(cooldown, 'a failover drill')).toBeNull();
  });
});
