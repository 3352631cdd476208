import { z } from 'zod';
import { TagsSchema } from './cluster.js';

/** 64 KiB: the smallest per-secret payload limit of the clouds' secret stores (AWS, GCP). */
export const MAX_SECRET_BYTES = 64 * 1024;

/** Names every cloud can hold after the provider's own encoding. */
export const SecretNameSchema = z
  .string()
  .min(1)
  .max(127)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must start with a letter or digit and use only letters, digits, ".", "_", "/" and "-"');

export const SecretConfigSchema = z
  .object({
    name: SecretNameSchema,
    values: z.record(z.string().min(1).max(256), z.string()),
    tags: TagsSchema.optional(),
  })
  .refine((s) => Buffer.byteLength(JSON.stringify(s.values), 'utf8') <= MAX_SECRET_BYTES, {
    path: ['values'],
    message: `the serialized values must fit in ${MAX_SECRET_BYTES} bytes`,
  });

export type SecretConfig = z.infer<typeof SecretConfigSchema>;

/** Options of `deleteSecret`: a recovery window or an immediate deletion, never both. */
export interface DeleteSecretOptions {
  /** Days the secret stays recoverable (cloud default when omitted). */
  recoveryWindowDays?: number;
  /** Delete at once, without a recovery window. */
  force?: boolean;
}
