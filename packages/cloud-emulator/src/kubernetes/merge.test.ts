import { describe, expect, it } from 'vitest';
import { applyMerge, jsonPatch, leafPaths, mergePatch, pruneRemoved, strategicMerge, type Json } from './merge.js';

const pod = (containers: Json[]): Json => ({ spec: { containers } });

describe('merge machinery', () => {
  it('merge patch (RFC 7386): null deletes, arrays replace', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 9 }, l: [3] })).toEqual({ b: { c: 9, d: 3 }, l: [3] });
  });

  it('strategic merge: containers merge by name, $patch delete and replace, $-directives ignored', () => {
    const live = pod([{ name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }] }, { name: 'side', image: 's:1' }]);
    expect(strategicMerge(live, { spec: { containers: [{ name: 'app', image: 'a:2' }], '$setElementOrder/containers': [{ name: 'app' }] } })).toEqual(
      pod([{ name: 'app', image: 'a:2', env: [{ name: 'X', value: '1' }] }, { name: 'side', image: 's:1' }]),
    );
    expect(strategicMerge(live, { spec: { containers: [{ name: 'side', $patch: 'delete' }] } })).toEqual(pod([{ name: 'app', image: 'a:1', env: [{ name: 'X', value: '1' }] }]));
    expect(strategicMerge({ spec: { a: 1, b: 2 } }, { spec: { $patch: 'replace', c: 3 } })).toEqual({ spec: { c: 3 } });
    // Service ports merge by port, container ports by containerPort; unknown lists replace.
    expect(strategicMerge({ ports: [{ port: 80, name: 'http' }, { port: 443 }] }, { ports: [{ port: 80, targetPort: 8080 }] })).toEqual({ ports: [{ port: 80, name: 'http', targetPort: 8080 }, { port: 443 }] });
    expect(strategicMerge({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
  });

  it('JSON patch (RFC 6902) and its failures', () => {
    expect(jsonPatch({ a: { b: [1, 2] } }, [{ op: 'add', path: '/a/b/-', value: 3 }, { op: 'add', path: '/a/c', value: 1 }])).toEqual({ a: { b: [1, 2, 3], c: 1 } });
    expect(jsonPatch({ 'x/y': 1 }, [{ op: 'remove', path: '/x~1y' }])).toEqual({});
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(/test failed/);
    expect(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/nope', value: 2 }])).toThrow(/does not exist/);
  });

  it('server-side apply helpers: leaf paths with keyed lists, pruning what a manager stopped applying', () => {
    expect([...leafPaths(pod([{ name: 'app', image: 'a:1' }])).keys()]).toEqual(['.spec.containers[name="app"].name', '.spec.containers[name="app"].image']);
    const live = { data: { a: '1', b: '2', other: 'x' } };
    expect(pruneRemoved(live, { data: { a: '1', b: '2' } }, { data: { a: '1' } })).toEqual({ data: { a: '1', other: 'x' } });
    expect(applyMerge(pod([{ name: 'side', image: 's' }, { name: 'app', image: 'a:1' }]), pod([{ name: 'app', image: 'a:2' }]))).toEqual(pod([{ name: 'app', image: 'a:2' }, { name: 'side', image: 's' }]));
  });
});
