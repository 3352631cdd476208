import { Operation } from '@gati-framework/core';
import { describe, expect, it } from 'vitest';
import { awsErrors } from './aws-errors.js';

function sdkError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} happened`), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

describe('awsErrors (the engine\'s view of AWS errors)', () => {
  it('reads "already exists" answers of creates and "already done" answers of idempotent changes', () => {
    for (const name of ['EntityAlreadyExists', 'EntityAlreadyExistsException', 'ResourceInUseException', 'ResourceExistsException', 'InvalidSubnet.Conflict']) {
      expect(awsErrors.isAlreadyExists(sdkError(name)), name).toBe(true);
    }
    for (const name of ['Resource.AlreadyAssociated', 'RouteAlreadyExists']) expect(awsErrors.isAlreadyDone(sdkError(name)), name).toBe(true);
    for (const name of ['DependencyViolation', 'AccessDenied', 'ThrottlingException']) {
      expect(awsErrors.isAlreadyDone(sdkError(name)), name).toBe(false);
      expect(awsErrors.isAlreadyExists(sdkError(name)), name).toBe(false);
    }
  });

  it('a retried AssociateRouteTable answering Resource.AlreadyAssociated is success, and not retried', async () => {
    const answers = [sdkError('InternalError', 500), sdkError('Resource.AlreadyAssociated')];
    let calls = 0;
    const op = new Operation('createCluster', {}, { errors: awsErrors, retryBaseDelayMs: 1, maxRetryDelayMs: 5 });
    await expect(
      op.change('associating a subnet', async () => {
        const answer = answers[calls++];
        if (answer) throw answer;
      }),
    ).resolves.toBe('already-done');
    expect(calls).toBe(2);
    // Other refusals of a change are not "done": a permission error fails at once.
    await expect(op.change('associating', () => Promise.reject(sdkError('UnauthorizedOperation')))).rejects.toMatchObject({ code: 'PERMISSION_DENIED', provider: 'aws' });
  });
});
