import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Access tokens the emulator issued, each for one project (what `CLOUDSDK_AUTH_ACCESS_TOKEN` or an
 * auth client sends). Shaped like Google's (`ya29.` prefix) so tools that look at them are content.
 */
export class AccessTokens {
  private readonly tokens = new Map<string, string>();

  /** A new token for `project`. */
  issue(project: string): string {
    const token = `ya29.gati-emulator.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, project);
    return token;
  }

  /** The project a token was issued for, or `undefined` when the emulator never issued it. */
  projectOf(token: string): string | undefined {
    const got = Buffer.from(token);
    for (const [known, project] of this.tokens) {
      const expected = Buffer.from(known);
      if (expected.length === got.length && timingSafeEqual(expected, got)) return project;
    }
    return undefined;
  }

  /** Stops accepting a token. */
  revoke(token: string): void {
    this.tokens.delete(token);
  }
}
