import type { ProviderErrors } from '@gati-framework/core';
import { isAwsError, mapAwsError } from './map-error.js';

/**
 * Answers to a create meaning "a resource of that name exists" (maybe ours,
 * whose response was lost): the engine looks it up again and adopts it.
 */
const ALREADY_EXISTS = ['EntityAlreadyExists', 'EntityAlreadyExistsException', 'ResourceInUseException', 'ResourceExistsException', 'InvalidSubnet.Conflict'];

/**
 * Answers to an idempotent change meaning "already made": what a retry hears
 * when the first attempt's response was lost. `Resource.AlreadyAssociated` is
 * what both AssociateRouteTable and AttachInternetGateway answer.
 */
const ALREADY_DONE = ['Resource.AlreadyAssociated', 'RouteAlreadyExists', 'InvalidPermission.Duplicate'];

/** How the provisioning engine reads AWS errors. */
export const awsErrors: ProviderErrors = {
  provider: 'aws',
  mapError: (error, what) => mapAwsError(error, what),
  isAlreadyExists: (error) => isAwsError(error, ...ALREADY_EXISTS),
  isAlreadyDone: (error) => isAwsError(error, ...ALREADY_DONE),
};
