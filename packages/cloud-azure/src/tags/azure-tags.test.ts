import { describe, expect, it } from 'vitest';
import { azureOwnershipTags, fromAzureTags, ownedByCluster } from './azure-tags.js';

describe('Azure ownership tags', () => {
  it('core\'s gati.dev/ keys become names Azure accepts, and read back', () => {
    const tags = azureOwnershipTags('shop', 'virtual-network', { team: 'a' });
    expect(tags).toEqual({ team: 'a', 'gati.dev_cluster': 'shop', 'gati.dev_managed-by': 'gati', 'gati.dev_component': 'virtual-network' });
    for (const name of Object.keys(tags)) expect(name).not.toMatch(/[<>%&\\?/]/);
    expect(fromAzureTags(tags)).toMatchObject({ 'gati.dev/cluster': 'shop' });
    expect(ownedByCluster(tags, 'shop')).toBe(true);
    expect(ownedByCluster(tags, 'other')).toBe(false);
  });

  it('a user tag Azure would refuse is INVALID_CONFIG with its path', () => {
    expect(() => azureOwnershipTags('shop', 'x', { 'cost/center': '1' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', details: { issues: [expect.objectContaining({ path: 'tags.cost/center' })] } }));
  });
});
