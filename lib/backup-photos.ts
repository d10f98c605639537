/**
 * The photos (附件) of a backup (lib/backup.ts): every object of the storage STORAGE_URL names —
 * a folder on this machine or an S3-compatible bucket, read through the same Storage interface —
 * copied into the backup's `photos/` folder under its key (`images/<id>`, `thumbnails/<id>`), and
 * on restore written back into the storage (with --replace, objects the backup does not hold are
 * removed, so the storage matches the restored attachments table). The manifest records the count,
 * the bytes and one SHA-256 over every key and its content's SHA-256, checked again by restore.
 *
 * A bucket that is itself versioned or replicated (the object store's own backup) is copied all
 * the same: the backup then holds everything needed to bring the district back on other machines.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from './attachments/storage';
import { checkKey } from './attachments/storage';

const PHOTOS_DIR = 'photos';

export interface PhotosManifest {
  /** Where they were (file:<folder> or s3://<bucket>, no secrets). */
  storage: string;
  objects: number;
  bytes: number;
  /** SHA-256 over the sorted lines `<key> <sha256 of its bytes>`. */
  sha256: string;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

function digest(entries: Array<[string, string]>): string {
  return sha256(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, h]) => `${k} ${h}\n`).join(''));
}

/** The content type of a stored image, from its first bytes (what the S3 object is written with). */
function contentTypeOf(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}

/** The objects of the backup's photos folder, as [key, file] (keys checked: none leaves the folder). */
function backedUp(from: string): Array<[string, string]> {
  const root = path.join(from, PHOTOS_DIR);
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return [checkKey(path.relative(root, file).split(path.sep).join('/')), file] as [string, string];
    });
}

/** Copies every object of the storage into `<out>/photos/<key>`. */
export async function backupPhotos(storage: Storage, out: string): Promise<PhotosManifest> {
  const entries: Array<[string, string]> = [];
  let bytes = 0;
  for await (const object of storage.list()) {
    const body = await storage.get(object.key);
    if (!body) continue; // deleted meanwhile (the sweep)
    const file = path.join(out, PHOTOS_DIR, ...checkKey(object.key).split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, body, { mode: 0o600 });
    entries.push([object.key, sha256(body)]);
    bytes += body.length;
  }
  return { storage: storage.location, objects: entries.length, bytes, sha256: digest(entries) };
}

/** Why the backup's photos are not those its manifest describes, or null when they are. */
export function photosProblem(from: string, expected: PhotosManifest): string | null {
  const entries = backedUp(from).map(([key, file]) => [key, sha256(fs.readFileSync(file))] as [string, string]);
  if (entries.length !== expected.objects || digest(entries) !== expected.sha256) {
    return `${path.join(from, PHOTOS_DIR)} does not hold the ${expected.objects} photo objects the backup made`;
  }
  return null;
}

/** Writes the backup's photos into the storage; with `replace`, removes the objects the backup does not hold. */
export async function restorePhotos(storage: Storage, from: string, replace: boolean): Promise<number> {
  const entries = backedUp(from);
  for (const [key, file] of entries) {
    const body = fs.readFileSync(file);
    await storage.put(key, body, contentTypeOf(body));
  }
  if (replace) {
    const kept = new Set(entries.map(([key]) => key));
    const stale: string[] = [];
    for await (const object of storage.list()) if (!kept.has(object.key)) stale.push(object.key);
    for (const key of stale) await storage.delete(key);
  }
  return entries.length;
}
