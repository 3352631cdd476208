import { describe, expect, it } from 'vitest';
import { intFlags } from './module.js';

describe('intFlags', () => {
  it('keys the given integer flags by option name and leaves absent ones out (the emulator keeps its defaults)', () => {
    expect(intFlags({ 'aws-port': '4566', 'eks-create-ms': '0' }, { port: 'aws-port', clusterCreateMs: 'eks-create-ms', nodegroupCreateMs: 'nodegroup-create-ms' })).toEqual({ port: 4566, clusterCreateMs: 0 });
    expect(intFlags({}, { port: 'aws-port' })).toEqual({});
  });

  it('a malformed value is INVALID_CONFIG naming the flag', () => {
    expect(() => intFlags({ 'gcp-port': '80x' }, { port: 'gcp-port' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('--gcp-port') }));
    expect(() => intFlags({ 'aks-create-ms': '-1' }, { clusterCreateMs: 'aks-create-ms' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
