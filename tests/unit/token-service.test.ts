import { describe, expect, it } from 'vitest';
import { makeTokenService } from '../../src/api/auth/token';
import { fixedClock } from '../../src/domain/clock';

describe('bearer tokens', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters!';

  it('when a verified token is presented again, then it answers from memory until its expiry and is refused after', async () => {
    const clock = fixedClock('2026-12-05T08:00:00Z');
    const tokens = makeTokenService(secret, 3600, clock);
    const { token } = await tokens.sign(7, 2);
    expect(await tokens.verify(token)).toEqual({ userId: 7, tokenVersion: 2 });
    clock.advance(3599_000);
    expect(await tokens.verify(token)).toEqual({ userId: 7, tokenVersion: 2 });
    clock.advance(1000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    // Once refused it stays refused (it is not remembered as valid any more).
    clock.set('2026-12-05T08:00:00Z');
    clock.advance(3600_000);
    await expect(tokens.verify(token)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('when a token is altered or signed with another secret, then it is refused even after the genuine one was remembered', async () => {
    const clock = fixedClock('2026-12-05T08:00:00Z');
    const tokens = makeTokenService(secret, 3600, clock);
    const { token } = await tokens.sign(7, 2);
    await tokens.verify(token);
    const [h, p, sig] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: '8' })).toString('base64url')}.${sig}`;
    await expect(tokens.verify(forged)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    const other = await makeTokenService('another-secret-of-at-least-thirty-two-chars', 3600, clock).sign(7, 2);
    await expect(tokens.verify(other.token)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    await expect(tokens.verify(`${token}x`)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
  });
});
