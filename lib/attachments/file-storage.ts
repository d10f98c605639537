/**
 * Photos in a folder of this machine (STORAGE_URL=file:<folder>): one file per key, the key's
 * `/` as subfolders. A write goes to a hidden temporary file beside the target, is flushed to
 * disk, then renamed over it, so a reader never meets half a photo, even after a crash.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkKey, type Storage, type StoredObject } from './storage';

function isMissing(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class FileStorage implements Storage {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = `file:${root}`;
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...checkKey(key).split('/'));
  }

  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Keys never start with a dot: the temporary name is never listed as an object.
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await fs.open(temporary, 'wx', 0o640);
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await fs.rename(temporary, target);
    } catch (err) {
      await fs.rm(temporary, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  close(): void {
    // Nothing is held open between calls.
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    // Start in the deepest folder the prefix names whole, then filter by the rest.
    const folders = prefix.split('/').slice(0, -1);
    yield* this.walk(folders.join('/'), prefix);
  }

  private async *walk(folder: string, prefix: string): AsyncIterable<StoredObject> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(folder ? path.join(this.root, ...folder.split('/')) : this.root, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix)) yield* this.walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        try {
          const stat = await fs.stat(this.pathOf(key));
          yield { key, bytes: stat.size, modifiedAt: new Date(stat.mtimeMs) };
        } catch (err) {
          if (!isMissing(err)) throw err; // deleted while listing
        }
      }
    }
  }
}
