import { randomUUID } from 'node:crypto';
import { StateClock, type LifecycleState } from '../common/state-clock.js';
import type { AwsContext, EksClusterBackend } from './context.js';
import type { Ec2Service } from './ec2.js';
import { clusterJson, detachedClusterCa, nodegroupJson, record, str, strings, SUPPORTED_VERSIONS, TAINT_EFFECTS, type ClusterRecord, type NodegroupRecord } from './eks-shapes.js';
import type { IamService } from './iam.js';
import { AwsApiError, type HandlerResult } from './wire.js';

export { SUPPORTED_VERSIONS, type ClusterRecord, type NodegroupRecord } from './eks-shapes.js';

/** EKS clusters and managed node groups (REST-JSON), with AWS's state machine and validation. */
export class EksService {
  /** Clusters by name, CREATING → ACTIVE → DELETING → gone on the kit's state clock. */
  readonly clusters: StateClock<ClusterRecord>;
  /** Node groups by `cluster/name`. */
  readonly nodegroups: StateClock<NodegroupRecord>;

  constructor(
    private readonly ctx: AwsContext,
    private readonly iam: IamService,
    private readonly ec2: Ec2Service,
    private readonly backend?: EksClusterBackend,
  ) {
    const now = (): number => this.ctx.now();
    this.nodegroups = new StateClock({ now });
    this.clusters = new StateClock({
      now,
      onGone: (name, c) => {
        if (!c.attached || !this.backend) return;
        const backend = this.backend;
        // Detaching is best effort: the cluster is gone from EKS either way.
        Promise.resolve()
          .then(() => backend.detach(name))
          .catch(() => undefined);
      },
    });
  }

  /** Cancels the state timers (the emulator is closing). */
  close(): void {
    this.clusters.close();
    this.nodegroups.close();
  }

  subnetInUse(id: string): boolean {
    return [...this.clusters.values()].some((c) => c.subnetIds.includes(id)) || [...this.nodegroups.values()].some((n) => n.subnets.includes(id));
  }

  /** Operation name of a REST request, for logs and fault rules. */
  static operation(method: string, segments: string[]): string {
    const [root, cluster, sub, ng] = segments;
    if (root === 'clusters') {
      if (cluster === undefined) return method === 'POST' ? 'CreateCluster' : 'ListClusters';
      if (sub === undefined) return method === 'DELETE' ? 'DeleteCluster' : 'DescribeCluster';
      if (sub === 'node-groups') {
        if (ng === undefined) return method === 'POST' ? 'CreateNodegroup' : 'ListNodegroups';
        return method === 'DELETE' ? 'DeleteNodegroup' : 'DescribeNodegroup';
      }
    }
    if (root === 'tags') return method === 'POST' ? 'TagResource' : method === 'DELETE' ? 'UntagResource' : 'ListTagsForResource';
    return 'Unknown';
  }

  async handle(operation: string, segments: string[], body: Record<string, unknown>, query: URLSearchParams): Promise<HandlerResult> {
    const clusterName = segments[1] ?? '';
    switch (operation) {
      case 'CreateCluster':
        return { cluster: this.describeCluster(await this.createCluster(body)) };
      case 'ListClusters':
        return { clusters: [...this.clusters.keys()] };
      case 'DescribeCluster':
        return { cluster: this.describeCluster(this.requireCluster(clusterName)) };
      case 'DeleteCluster': {
        const c = this.requireCluster(clusterName);
        if ([...this.nodegroups.values()].some((n) => n.clusterName === clusterName)) {
          throw new AwsApiError('ResourceInUseException', `Cluster has nodegroups attached`, 409);
        }
        if (this.clusterStatus(c) === 'CREATING') throw new AwsApiError('ResourceInUseException', `Cannot delete because cluster ${clusterName} currently has an update in progress`, 409);
        this.clusters.delete(c.name, this.ctx.timings.clusterDeleteMs);
        return { cluster: this.describeCluster(c) };
      }
      case 'CreateNodegroup':
        return { nodegroup: this.describeNodegroup(this.createNodegroup(clusterName, body)) };
      case 'ListNodegroups':
        this.requireCluster(clusterName);
        return { nodegroups: [...this.nodegroups.values()].filter((n) => n.clusterName === clusterName).map((n) => n.name) };
      case 'DescribeNodegroup':
        return { nodegroup: this.describeNodegroup(this.requireNodegroup(clusterName, segments[3] ?? '')) };
      case 'DeleteNodegroup': {
        const ng = this.requireNodegroup(clusterName, segments[3] ?? '');
        if (this.nodegroupStatus(ng) === 'CREATING') {
          throw new AwsApiError('ResourceInUseException', `Nodegroup ${ng.name} cannot be deleted because it is currently in CREATING status`, 409);
        }
        this.nodegroups.delete(`${clusterName}/${ng.name}`, this.ctx.timings.nodegroupDeleteMs);
        return { nodegroup: this.describeNodegroup(ng) };
      }
      case 'ListTagsForResource':
        return { tags: { ...this.taggable(decodeURIComponent(segments[1] ?? '')).tags } };
      case 'TagResource':
        Object.assign(this.taggable(decodeURIComponent(segments[1] ?? '')).tags, record(body['tags']));
        return {};
      case 'UntagResource': {
        const target = this.taggable(decodeURIComponent(segments[1] ?? ''));
        for (const key of query.getAll('tagKeys')) delete target.tags[key];
        return {};
      }
      default:
        throw new AwsApiError('UnknownOperationException', 'The requested operation is not supported.', 404);
    }
  }

  private async createCluster(body: Record<string, unknown>): Promise<ClusterRecord> {
    const name = str(body['name']) ?? '';
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(name)) {
      throw new AwsApiError('InvalidParameterException', `The cluster name '${name}' is invalid: use 1-100 letters, digits, hyphens and underscores, starting with a letter or digit.`);
    }
    const token = str(body['clientRequestToken']);
    const existing = this.clusters.get(name);
    if (existing) {
      if (token && existing.clientRequestToken === token) return existing;
      throw new AwsApiError('ResourceInUseException', `Cluster already exists with name: ${name}`, 409);
    }
    const version = str(body['version']) ?? SUPPORTED_VERSIONS.at(-1) ?? '1.31';
    if (!SUPPORTED_VERSIONS.includes(version)) throw new AwsApiError('InvalidParameterException', `unsupported Kubernetes version ${version}`);
    const roleArn = str(body['roleArn']) ?? '';
    this.checkRole(roleArn, 'eks.amazonaws.com', 'roleArn');
    const vpcConfig = (body['resourcesVpcConfig'] ?? {}) as Record<string, unknown>;
    const subnetIds = strings(vpcConfig['subnetIds']);
    this.checkSubnets(subnetIds);
    const arn = `arn:aws:eks:${this.ctx.region}:${this.ctx.accountId}:cluster/${name}`;
    const now = this.ctx.now();
    const cluster: ClusterRecord = {
      name,
      arn,
      version,
      roleArn,
      subnetIds,
      securityGroupIds: strings(vpcConfig['securityGroupIds']),
      endpointPublicAccess: vpcConfig['endpointPublicAccess'] !== false,
      endpointPrivateAccess: vpcConfig['endpointPrivateAccess'] === true,
      logging: body['logging'] ?? { clusterLogging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }] },
      tags: record(body['tags']),
      ...(token ? { clientRequestToken: token } : {}),
      createdAt: now,
      // Without a Kubernetes backend nothing serves the API: point at a closed loopback port,
      // never at a name that would leave the machine.
      endpoint: 'https://127.0.0.1:1',
      caPem: detachedClusterCa(name),
      attached: false,
    };
    if (!cluster.endpointPublicAccess && !cluster.endpointPrivateAccess) {
      throw new AwsApiError('InvalidParameterException', 'The cluster must have public or private endpoint access enabled.');
    }
    this.clusters.create(name, cluster, this.ctx.timings.clusterCreateMs);
    if (this.backend) {
      try {
        const api = await this.backend.attach({ name, arn, region: this.ctx.region, version });
        cluster.endpoint = api.endpoint;
        cluster.caPem = api.caPem;
        cluster.attached = true;
      } catch (error) {
        this.clusters.remove(name);
        throw new AwsApiError('ServerException', `Could not start the cluster's API server: ${error instanceof Error ? error.message : String(error)}`, 500);
      }
    }
    return cluster;
  }

  private createNodegroup(clusterName: string, body: Record<string, unknown>): NodegroupRecord {
    const cluster = this.requireCluster(clusterName);
    const name = str(body['nodegroupName']) ?? '';
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,62}$/.test(name)) throw new AwsApiError('InvalidParameterException', `The node group name '${name}' is invalid.`);
    const token = str(body['clientRequestToken']);
    const existing = this.nodegroups.get(`${clusterName}/${name}`);
    if (existing) {
      if (token && existing.clientRequestToken === token) return existing;
      throw new AwsApiError('ResourceInUseException', `NodeGroup already exists with name ${name} and cluster name ${clusterName}`, 409);
    }
    const status = this.clusterStatus(cluster);
    if (status !== 'ACTIVE') throw new AwsApiError('InvalidRequestException', `Cluster '${clusterName}' is not in ACTIVE status`);
    const nodeRole = str(body['nodeRole']) ?? '';
    this.checkRole(nodeRole, 'ec2.amazonaws.com', 'nodeRole');
    const subnets = strings(body['subnets']);
    if (subnets.length === 0) throw new AwsApiError('InvalidParameterException', 'Subnets are required');
    for (const s of subnets) if (!this.ec2.subnets.has(s)) throw new AwsApiError('InvalidParameterException', `The subnet ID '${s}' does not exist`);
    const sc = (body['scalingConfig'] ?? {}) as Record<string, unknown>;
    const scalingConfig = { minSize: Number(sc['minSize'] ?? 1), maxSize: Number(sc['maxSize'] ?? 2), desiredSize: Number(sc['desiredSize'] ?? 2) };
    if (scalingConfig.maxSize < 1 || scalingConfig.minSize < 0 || scalingConfig.minSize > scalingConfig.desiredSize || scalingConfig.desiredSize > scalingConfig.maxSize) {
      throw new AwsApiError('InvalidParameterException', 'Minimum capacity cannot be greater than desired size, and desired size cannot be greater than maximum capacity; maximum capacity must be at least 1.');
    }
    const taints = Array.isArray(body['taints']) ? (body['taints'] as Record<string, unknown>[]) : [];
    for (const t of taints) {
      if (!TAINT_EFFECTS.includes(String(t['effect']))) throw new AwsApiError('InvalidParameterException', `Taint effect must be one of ${TAINT_EFFECTS.join(', ')}`);
    }
    const now = this.ctx.now();
    const ng: NodegroupRecord = {
      clusterName,
      name,
      arn: `arn:aws:eks:${this.ctx.region}:${this.ctx.accountId}:nodegroup/${clusterName}/${name}/${randomUUID()}`,
      version: str(body['version']) ?? cluster.version,
      nodeRole,
      subnets,
      instanceTypes: strings(body['instanceTypes']).length > 0 ? strings(body['instanceTypes']) : ['t3.medium'],
      diskSize: Number(body['diskSize'] ?? 20),
      scalingConfig,
      labels: record(body['labels']),
      taints: taints.map((t) => ({ key: String(t['key']), ...(t['value'] !== undefined ? { value: String(t['value']) } : {}), effect: String(t['effect']) })),
      capacityType: str(body['capacityType']) ?? 'ON_DEMAND',
      amiType: str(body['amiType']) ?? 'AL2023_x86_64_STANDARD',
      tags: record(body['tags']),
      ...(token ? { clientRequestToken: token } : {}),
      createdAt: now,
    };
    this.nodegroups.create(`${clusterName}/${name}`, ng, this.ctx.timings.nodegroupCreateMs);
    return ng;
  }

  private checkRole(arn: string, service: string, field: string): void {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
      throw new AwsApiError('InvalidParameterException', `${field} '${arn}' is not a valid IAM role ARN.`);
    }
    if (!this.iam.assumableRole(arn, service)) {
      throw new AwsApiError('InvalidParameterException', `Role with arn: ${arn}, could not be assumed because it does not exist or the trusted entity is not correct`);
    }
  }

  private checkSubnets(ids: string[]): void {
    if (ids.length === 0) throw new AwsApiError('InvalidParameterException', 'Subnets specified must be in at least two different AZs');
    const zones = new Set<string>();
    let vpcId: string | undefined;
    for (const id of ids) {
      const subnet = this.ec2.subnets.get(id);
      if (!subnet) throw new AwsApiError('InvalidParameterException', `The subnet ID '${id}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`);
      if (vpcId && subnet.vpcId !== vpcId) throw new AwsApiError('InvalidParameterException', 'Subnets must all be in the same VPC');
      vpcId = subnet.vpcId;
      zones.add(subnet.availabilityZone);
    }
    if (zones.size < 2) throw new AwsApiError('InvalidParameterException', 'Subnets specified must be in at least two different AZs');
  }

  private taggable(arn: string): { tags: Record<string, string> } {
    const target = [...this.clusters.values()].find((c) => c.arn === arn) ?? [...this.nodegroups.values()].find((n) => n.arn === arn);
    if (!target) throw new AwsApiError('NotFoundException', `Resource ${arn} was not found`, 404);
    return target;
  }

  private requireCluster(name: string): ClusterRecord {
    const c = this.clusters.get(name);
    if (!c) throw new AwsApiError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404);
    return c;
  }

  private requireNodegroup(clusterName: string, name: string): NodegroupRecord {
    this.requireCluster(clusterName);
    const ng = this.nodegroups.get(`${clusterName}/${name}`);
    if (!ng) throw new AwsApiError('ResourceNotFoundException', `No node group found for name: ${name}.`, 404);
    return ng;
  }

  clusterStatus(c: ClusterRecord): LifecycleState {
    return this.clusters.state(c.name) ?? 'DELETING';
  }

  private nodegroupStatus(n: NodegroupRecord): LifecycleState {
    return this.nodegroups.state(`${n.clusterName}/${n.name}`) ?? 'DELETING';
  }

  private describeCluster(c: ClusterRecord): Record<string, unknown> {
    return clusterJson(c, this.clusterStatus(c), this.ec2.subnets.get(c.subnetIds[0] ?? '')?.vpcId, this.ctx.region);
  }

  private describeNodegroup(n: NodegroupRecord): Record<string, unknown> {
    return nodegroupJson(n, this.nodegroupStatus(n));
  }
}
