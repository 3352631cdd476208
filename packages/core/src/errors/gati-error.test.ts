import { describe, expect, it } from 'vitest';
import { ERROR_CODES, GATI_ERROR_CODES } from './codes.js';
import { GatiError, isGatiError } from './gati-error.js';

describe('GatiError', () => {
  it('carries code, retryable default from the code, provider and cause', () => {
    const cause = new Error('ThrottlingException');
    const e = new GatiError('THROTTLED', 'slow down', { provider: 'aws', cause });
    expect(e).toMatchObject({ name: 'GatiError', code: 'THROTTLED', retryable: true, provider: 'aws', message: 'slow down' });
    expect(e.cause).toBe(cause);
    expect(new GatiError('PERMISSION_DENIED', 'no').retryable).toBe(false);
    expect(new GatiError('PROVIDER_ERROR', 'x', { retryable: true }).retryable).toBe(true);
  });

  it('is recognised without instanceof, across copies and after JSON-like cloning', () => {
    const e = new GatiError('NOT_FOUND', 'gone');
    expect(isGatiError(e)).toBe(true);
    expect(isGatiError(e, 'NOT_FOUND')).toBe(true);
    expect(isGatiError(e, 'CONFLICT')).toBe(false);
    // An error from another copy of the package: same shape, different class.
    const foreign = Object.assign(new Error('gone'), { name: 'GatiError', code: 'NOT_FOUND', retryable: false });
    expect(isGatiError(foreign, 'NOT_FOUND')).toBe(true);
    expect(isGatiError(Object.assign(new Error('x'), { name: 'GatiError', code: 'MADE_UP' }))).toBe(false);
    expect(isGatiError(new Error('plain'))).toBe(false);
    expect(isGatiError(null)).toBe(false);
    expect(isGatiError('NOT_FOUND')).toBe(false);
  });

  it('serializes without the cause (which may hold SDK internals)', () => {
    const e = new GatiError('UNAUTHENTICATED', 'bad credentials', { cause: { secretAccessKey: 'wJalrXUtnFEMI' } });
    expect(JSON.stringify(e)).not.toContain('wJalrXUtnFEMI');
    expect(e.toJSON()).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
  });

  it('has a description and an action for every code', () => {
    expect(GATI_ERROR_CODES).toHaveLength(13);
    for (const code of GATI_ERROR_CODES) {
      expect(ERROR_CODES[code].description.length, code).toBeGreaterThan(10);
      expect(ERROR_CODES[code].action.length, code).toBeGreaterThan(10);
    }
  });
});
