/**
 * Where photos are kept (STORAGE_URL): one small interface over a folder on this machine
 * (`file:<folder>`, the default; file-storage.ts) or any S3-compatible object store
 * (`s3://<bucket>`; s3-storage.ts), made by create-storage.ts. Objects are written whole, read
 * whole (a photo is at most ATTACHMENT_MAX_MB) and never changed.
 */

export interface StoredObject {
  key: string;
  bytes: number;
  modifiedAt: Date;
}

export interface Storage {
  /** Writes the object, replacing one of the same key; visible to `get` once this resolves. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, in pages, in no promised order. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  /** Where the objects are, for logs (no secrets). */
  readonly location: string;
  /** Lets go of connections (the S3 client's); the storage is not used after. */
  close(): void;
}

/**
 * Keys are relative names made of letters, digits, `.`, `_`, `-` and `/` between names: the same
 * key means the same object in a folder and in a bucket, and no key can leave its folder.
 */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 512) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  return key;
}
