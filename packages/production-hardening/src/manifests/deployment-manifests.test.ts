import { describe, expect, it } from 'vitest';
import { generateManifests } from '../deployment/index.js';
import { productionConfig } from '../../test/fixtures/configs.js';
import { validateAgainstKubernetesSchema } from '../../test/fixtures/kube-schema.js';

describe('generateManifests', () => {
  it('produces schema-valid Service, Deployment, PDB, HPA and Ingress for the production config', () => {
    const m = generateManifests(productionConfig());
    expect(m.list.map((o) => o.kind)).toEqual(['Service', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress']);
    for (const o of m.list) expect(() => validateAgainstKubernetesSchema(o), o.kind).not.toThrow();
    for (const o of m.list) expect(o.metadata.namespace).toBe('shop');
  });

  it('wires the pieces together', () => {
    const m = generateManifests(productionConfig());
    const d = m.deployment.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const selector = d['selector'].matchLabels;
    expect(d['replicas']).toBeUndefined(); // the HPA owns it
    expect(d['strategy']).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    expect(d['template'].metadata.labels).toMatchObject(selector);
    expect((m.service.spec as Record<string, unknown>)['selector']).toEqual(selector);
    expect((m.podDisruptionBudget?.spec as Record<string, any>)['selector'].matchLabels).toEqual(selector); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m.horizontalPodAutoscaler?.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'shop-api' }, minReplicas: 3, maxReplicas: 20 });
    const c = d['template'].spec.containers[0];
    expect(c).toMatchObject({
      image: 'registry.example.com/shop-api:1.4.2',
      ports: [{ name: 'http', containerPort: 3000 }],
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      readinessProbe: { httpGet: { path: '/health/ready', port: 3000 } },
      livenessProbe: { httpGet: { path: '/health/live', port: 3000 } },
      lifecycle: { preStop: { sleep: { seconds: 5 } } },
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    expect(m.ingress?.spec).toMatchObject({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-api-tls' }] });
  });

  it('covers env, secrets (env, envFrom, mounted), static replicas without HPA, and minAvailable PDBs', () => {
    const m = generateManifests({
      ...productionConfig(),
      autoscaling: undefined,
      replicas: 4,
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info' },
      secrets: [{ secretName: 'db', keys: { DB_PASSWORD: 'password' } }, { secretName: 'api-keys' }, { secretName: 'tls-client', mountPath: '/etc/tls' }],
      availability: { podDisruptionBudget: { minAvailable: '50%' }, antiAffinity: 'required' },
      networking: { port: 8080, serviceType: 'LoadBalancer' },
      kubernetes: { clusterName: 'c', serviceAccountName: 'shop-api' },
    });
    for (const o of m.list) expect(() => validateAgainstKubernetesSchema(o), o.kind).not.toThrow();
    expect(m.horizontalPodAutoscaler).toBeUndefined();
    expect(m.ingress).toBeUndefined();
    const spec = m.deployment.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(spec['replicas']).toBe(4);
    const c = spec['template'].spec.containers[0];
    expect(c.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'NODE_ENV', value: 'production' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]);
    expect(c.envFrom).toEqual([{ secretRef: { name: 'api-keys' } }]);
    expect(spec['template'].spec.volumes).toEqual(expect.arrayContaining([{ name: 'secret-2', secret: { secretName: 'tls-client', defaultMode: 0o400 } }]));
    expect(spec['template'].spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(m.podDisruptionBudget?.spec).toMatchObject({ minAvailable: '50%' });
    expect(m.deployment.metadata.namespace).toBe('default');
  });

  it('is caught by the Kubernetes schema when broken (the validation can fail)', () => {
    const m = generateManifests(productionConfig());
    const broken = structuredClone(m.deployment);
    (broken.spec as Record<string, unknown>)['replicas'] = 'three';
    expect(() => validateAgainstKubernetesSchema(broken)).toThrow();
  });
});
