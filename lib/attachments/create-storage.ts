/** The storage STORAGE_URL names (lib/attachments/storage-setting.ts). */
import path from 'node:path';
import { FileStorage } from './file-storage';
import { S3Storage } from './s3-storage';
import type { Storage } from './storage';
import type { StorageSetting } from './storage-setting';

/** A folder (a relative one is taken from `cwd`) or an S3-compatible bucket. */
export function createStorage(setting: StorageSetting, cwd = process.cwd()): Storage {
  if (setting.kind === 'file') return new FileStorage(path.resolve(cwd, setting.folder));
  return new S3Storage(setting);
}
