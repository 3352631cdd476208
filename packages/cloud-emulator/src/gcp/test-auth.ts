/**
 * The smallest auth client the Google client libraries (gax 5, REST and gRPC with TLS) accept:
 * it hands out a fixed access token (one the emulator issued) and never looks for credentials,
 * so no metadata-server probe leaves loopback. Typed loosely because google-auth-library is not
 * a dependency of the emulator: pass it as `authClient`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function googleAuthClient(token: string): any {
  const client = {
    universeDomain: 'googleapis.com',
    getRequestHeaders: async (): Promise<Headers> => new Headers({ authorization: `Bearer ${token}` }),
    // REST mode (gax's fallback) sends through the auth client's fetch.
    fetch: (url: string, init: { headers?: ConstructorParameters<typeof Headers>[0]; body?: RequestInit['body']; method?: string; signal?: AbortSignal }) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}), ...(init.signal ? { signal: init.signal } : {}) });
    },
    getClient: async () => client,
    getAccessToken: async () => ({ token }),
    getUniverseDomain: async () => 'googleapis.com',
  };
  return client;
}
