/**
 * STORAGE_URL and the S3_* settings, read once at start (lib/config.ts): `file:<folder>` (a
 * relative folder is taken from the working directory) or `s3://<bucket>` with S3_ENDPOINT (any
 * S3-compatible store; unset: Amazon S3), S3_REGION (default us-east-1) and S3_ACCESS_KEY_ID +
 * S3_SECRET_ACCESS_KEY (both or neither; neither: the AWS SDK's own credential chain).
 */
import { fileURLToPath } from 'node:url';

export type StorageSetting =
  | { kind: 'file'; folder: string }
  | {
    kind: 's3'; bucket: string; endpoint: string | undefined; region: string;
    accessKeyId: string | undefined; secretAccessKey: string | undefined;
  };

const DEFAULT_STORAGE_URL = 'file:data/attachments';

/** S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function fileFolder(raw: string): string {
  const rest = raw.slice('file:'.length);
  if (rest.startsWith('//')) {
    try {
      return fileURLToPath(raw);
    } catch {
      throw new Error(`STORAGE_URL: "${raw}" is not a file URL of this machine (file:///absolute/folder or file:relative/folder)`);
    }
  }
  if (rest === '') throw new Error('STORAGE_URL: file: needs a folder, e.g. file:data/attachments');
  return decodeURIComponent(rest);
}

function s3(raw: string, env: NodeJS.ProcessEnv): StorageSetting {
  const bucket = raw.slice('s3://'.length);
  if (!BUCKET.test(bucket)) {
    throw new Error(`STORAGE_URL: "${raw}" must be s3://<bucket> with a bucket name of 3–63 lowercase letters, digits, dots and hyphens`);
  }
  const endpoint = value(env, 'S3_ENDPOINT');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try { url = new URL(endpoint); } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new Error(`S3_ENDPOINT must be an http:// or https:// URL, got "${endpoint}"`);
    }
  }
  const accessKeyId = value(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = value(env, 'S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all');
  }
  return { kind: 's3', bucket, endpoint, region: value(env, 'S3_REGION') ?? 'us-east-1', accessKeyId, secretAccessKey };
}

/** The storage setting, or an Error saying which variable is wrong and how. */
export function readStorageSetting(env: NodeJS.ProcessEnv): StorageSetting {
  const raw = value(env, 'STORAGE_URL') ?? DEFAULT_STORAGE_URL;
  if (raw.startsWith('file:')) return { kind: 'file', folder: fileFolder(raw) };
  if (raw.startsWith('s3://')) return s3(raw, env);
  throw new Error(`STORAGE_URL must be file:<folder> or s3://<bucket>, got "${raw}"`);
}
