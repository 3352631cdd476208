import type { FaultRenderer } from '../common/faults.js';
import { AwsApiError } from './wire.js';

/** The AWS services the emulator serves. */
export type AwsService = 'eks' | 'iam' | 'ec2' | 'secretsmanager' | 'sts';

/** Which request a fault hits: the service picks the error's spelling and status. */
export interface AwsFaultTarget {
  service: AwsService;
  /** e.g. `CreateVpc`. */
  action: string;
  /** Used in the access-denied message, as AWS writes it. */
  callerArn: string;
}

const INTERNAL = 'We encountered an internal error. Please try again.';
const SERVER_ERROR_CODE: Record<AwsService, string> = { eks: 'ServerException', secretsmanager: 'InternalServiceError', ec2: 'InternalError', iam: 'ServiceFailure', sts: 'InternalFailure' };

function throttle(service: AwsService): AwsApiError {
  switch (service) {
    case 'eks':
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 429);
    case 'secretsmanager':
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 400);
    case 'ec2':
      return new AwsApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    default:
      return new AwsApiError('Throttling', 'Rate exceeded', 400);
  }
}

function permissionDenied(target: AwsFaultTarget, message?: string): AwsApiError {
  const text = message ?? `User: ${target.callerArn} is not authorized to perform: ${target.service}:${target.action}`;
  switch (target.service) {
    case 'eks':
      return new AwsApiError('AccessDeniedException', text, 403);
    case 'secretsmanager':
      return new AwsApiError('AccessDeniedException', text, 400);
    case 'ec2':
      return new AwsApiError('UnauthorizedOperation', message ?? 'You are not authorized to perform this operation.', 403);
    default:
      return new AwsApiError('AccessDenied', text, 403);
  }
}

function quota(target: AwsFaultTarget, message?: string): AwsApiError {
  switch (target.service) {
    case 'eks':
      return new AwsApiError('ResourceLimitExceededException', message ?? 'You have reached the maximum number of resources of this type in this region.', 400);
    case 'secretsmanager':
      return new AwsApiError('LimitExceededException', message ?? 'You have exceeded the maximum number of secrets.', 400);
    case 'ec2': {
      // EC2 names the limit after the resource: CreateVpc → VpcLimitExceeded.
      const resource = /^Create([A-Z]\w*)$/.exec(target.action)?.[1];
      return new AwsApiError(resource ? `${resource}LimitExceeded` : 'ResourceLimitExceeded', message ?? 'The maximum number of resources has been reached.', 400);
    }
    default:
      return new AwsApiError('LimitExceeded', message ?? 'Cannot exceed quota for this resource.', 409);
  }
}

/**
 * Renders a neutral fault the way the AWS service answers it: throttling as
 * `ThrottlingException` (EKS 429, Secrets Manager 400), `RequestLimitExceeded` (EC2 503) or
 * `Throttling` (IAM/STS); server errors and lost responses as the service's 500
 * (`ServerException`, `InternalError`, `ServiceFailure`, `InternalFailure`, …); permission denied as
 * `AccessDeniedException`, `UnauthorizedOperation` or `AccessDenied`; quota as
 * `ResourceLimitExceededException`, `LimitExceededException`, `<Resource>LimitExceeded` or `LimitExceeded`.
 */
export const renderAwsFault: FaultRenderer<AwsFaultTarget, AwsApiError> = (fault, target) => {
  switch (fault.kind) {
    case 'throttle':
      return throttle(target.service);
    case 'server-error':
    case 'lost-response':
      return new AwsApiError(SERVER_ERROR_CODE[target.service], INTERNAL, 500);
    case 'permission-denied':
      return permissionDenied(target, fault.message);
    case 'quota':
      return quota(target, fault.message);
    case 'custom':
      return new AwsApiError(fault.code, fault.message ?? `Injected ${fault.code}`, fault.status);
  }
};
