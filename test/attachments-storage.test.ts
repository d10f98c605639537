/**
 * Where photos are kept: the same behaviour from a folder of this machine and from an
 * S3-compatible object store — a real SeaweedFS server with its S3 gateway, started by this test
 * on free ports (its binary from scripts/ensure-seaweedfs.sh; missing, the test fails) — and an
 * upload through the API that lands in the bucket. STORAGE_URL and the S3 settings are checked
 * at start.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, readConfig } from '../lib/config';
import { FileStorage } from '../lib/attachments/file-storage';
import { S3Storage } from '../lib/attachments/s3-storage';
import { createStorage } from '../lib/attachments/create-storage';
import type { Storage } from '../lib/attachments/storage';
import { tempDir } from './support/processes';
import { phonePhoto, photoForm } from './support/photos';
import { startSeaweedFs, type OwnSeaweedFs } from './support/seaweedfs';
import { startStack, type Stack } from './support/stack';

let seaweed: OwnSeaweedFs;
const folder = tempDir('whistle-photos');

beforeAll(async () => {
  seaweed = await startSeaweedFs();
  await seaweed.createBucket('photos-contract');
}, 120_000);
afterAll(async () => {
  await seaweed?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function keys(storage: Storage, prefix?: string): Promise<string[]> {
  const found: string[] = [];
  for await (const object of storage.list(prefix)) found.push(object.key);
  return found.sort();
}

const stores: Array<[string, () => Storage]> = [
  ['a folder (file:)', () => new FileStorage(folder)],
  ['SeaweedFS through its S3 API (s3://)', () => new S3Storage(seaweed.setting('photos-contract'))],
];

describe.each(stores)('storage in %s', (_name, make) => {
  let storage: Storage;
  beforeAll(() => { storage = make(); });
  afterAll(() => storage.close());

  test('an object written is read back byte for byte, exists, and is listed with its size', async () => {
    const body = randomBytes(300_000);
    await storage.put('images/a1', body, 'image/jpeg');
    expect(Buffer.compare((await storage.get('images/a1'))!, body)).toBe(0);
    expect(await storage.exists('images/a1')).toBe(true);
    const listed = [];
    for await (const object of storage.list('images/')) listed.push(object);
    expect(listed).toEqual([{ key: 'images/a1', bytes: 300_000, modifiedAt: expect.any(Date) }]);
    expect(Math.abs(listed[0].modifiedAt.getTime() - Date.now())).toBeLessThan(120_000);
  });

  test('writing a key again replaces the object', async () => {
    await storage.put('images/a2', Buffer.from('first'), 'image/png');
    await storage.put('images/a2', Buffer.from('second'), 'image/png');
    expect((await storage.get('images/a2'))!.toString()).toBe('second');
  });

  test('a missing object reads as null and does not exist; deleting one, present or not, is fine', async () => {
    expect(await storage.get('images/none')).toBeNull();
    expect(await storage.exists('images/none')).toBe(false);
    await storage.put('thumbnails/a3', Buffer.from('x'), 'image/webp');
    await storage.delete('thumbnails/a3');
    await storage.delete('thumbnails/a3');
    expect(await storage.exists('thumbnails/a3')).toBe(false);
    expect(await storage.get('thumbnails/a3')).toBeNull();
  });

  test('list filters by prefix, across folders', async () => {
    await storage.put('thumbnails/b1', Buffer.from('t'), 'image/jpeg');
    await storage.put('images/b1', Buffer.from('i'), 'image/jpeg');
    expect(await keys(storage, 'thumbnails/')).toEqual(['thumbnails/b1']);
    expect(await keys(storage, 'images/b')).toEqual(['images/b1']);
    expect(await keys(storage)).toEqual(expect.arrayContaining(['images/a1', 'images/a2', 'images/b1', 'thumbnails/b1']));
  });

  test('a key that could leave its folder, or is not a plain name, is refused before anything is written', async () => {
    for (const key of ['../escape', 'images/../../escape', '/absolute', 'images//double', '.hidden', 'images/', '']) {
      await expect(storage.put(key, Buffer.from('x'), 'image/jpeg')).rejects.toThrow('not a storage key');
    }
    expect(await keys(storage, '')).not.toContain('escape');
    expect(fs.existsSync(path.join(folder, '..', 'escape'))).toBe(false);
  });
});

test('writes to a folder at once leave only their objects, no temporary files', async () => {
  const storage = new FileStorage(path.join(folder, 'atomic'));
  await Promise.all(Array.from({ length: 20 }, (_, i) => storage.put(`images/p${i}`, randomBytes(50_000), 'image/jpeg')));
  const names = fs.readdirSync(path.join(folder, 'atomic', 'images'));
  expect(names.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
});

describe('STORAGE_URL and the S3 settings', () => {
  test('by default photos are kept in data/attachments, at most 10 MB each', () => {
    const config = readConfig({});
    expect(config.storage).toEqual({ kind: 'file', folder: 'data/attachments' });
    expect(config.attachmentMaxBytes).toBe(10 * 1024 * 1024);
    expect(readConfig({ ATTACHMENT_MAX_MB: '3' }).attachmentMaxBytes).toBe(3 * 1024 * 1024);
    expect(readConfig({ STORAGE_URL: 'file:///var/lib/whistle/photos' }).storage).toEqual({ kind: 'file', folder: '/var/lib/whistle/photos' });
    expect((createStorage({ kind: 'file', folder: 'data/attachments' }, '/srv/whistle')).location).toBe('file:/srv/whistle/data/attachments');
  });

  test('s3://bucket takes its endpoint, region and keys from S3_*', () => {
    expect(readConfig({
      STORAGE_URL: 's3://whistle-photos', S3_ENDPOINT: 'http://127.0.0.1:8333', S3_REGION: 'cn-north-1',
      S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret',
    }).storage).toEqual({
      kind: 's3', bucket: 'whistle-photos', endpoint: 'http://127.0.0.1:8333', region: 'cn-north-1', accessKeyId: 'id', secretAccessKey: 'secret',
    });
    expect(readConfig({ STORAGE_URL: 's3://whistle-photos' }).storage)
      .toEqual({ kind: 's3', bucket: 'whistle-photos', endpoint: undefined, region: 'us-east-1', accessKeyId: undefined, secretAccessKey: undefined });
  });

  test.each([
    [{ STORAGE_URL: 'ftp://host/photos' }, 'STORAGE_URL must be file:<folder> or s3://<bucket>'],
    [{ STORAGE_URL: 'file:' }, 'needs a folder'],
    [{ STORAGE_URL: 's3://Bad_Bucket' }, 'bucket name'],
    [{ STORAGE_URL: 's3://photos/sub/folder' }, 'bucket name'],
    [{ STORAGE_URL: 's3://photos', S3_ENDPOINT: 'localhost:8333' }, 'S3_ENDPOINT must be an http:// or https:// URL'],
    [{ STORAGE_URL: 's3://photos', S3_ACCESS_KEY_ID: 'id' }, 'set together'],
    [{ ATTACHMENT_MAX_MB: '0' }, 'ATTACHMENT_MAX_MB must be a whole number from 1 to 100'],
    [{ ATTACHMENT_MAX_MB: '2.5' }, 'ATTACHMENT_MAX_MB'],
  ])('%j is refused at start', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe('the API with STORAGE_URL=s3://', () => {
  let stack: Stack;
  beforeAll(async () => {
    await seaweed.createBucket('photos-api');
    stack = await startStack({
      noWorker: true,
      env: {
        STORAGE_URL: 's3://photos-api', S3_ENDPOINT: seaweed.endpoint, S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: seaweed.accessKeyId, S3_SECRET_ACCESS_KEY: seaweed.secretAccessKey,
      },
    });
  });
  afterAll(async () => { await stack?.stop(); });

  test('an upload is kept in the bucket, image and thumbnail, and served back from it', async () => {
    const form = photoForm(await phonePhoto());
    const res = await stack.app.inject({
      method: 'POST', url: '/v1/attachments', payload: form.payload,
      headers: { authorization: 'Bearer dev-xiguan', 'content-type': form.contentType },
    });
    expect(res.statusCode).toBe(201);
    const { id, bytes } = res.json();
    const bucket = new S3Storage(seaweed.setting('photos-api'));
    try {
      expect(await keys(bucket)).toEqual([`images/${id}`, `thumbnails/${id}`]);
      const served = await stack.app.inject({ method: 'GET', url: `/v1/attachments/${id}`, headers: { authorization: 'Bearer dev-xiguan' } });
      expect(served.statusCode).toBe(200);
      expect(served.rawPayload.length).toBe(bytes);
      expect(Buffer.compare(served.rawPayload, (await bucket.get(`images/${id}`))!)).toBe(0);
    } finally {
      bucket.close();
    }
  });
});
