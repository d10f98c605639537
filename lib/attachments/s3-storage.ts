/**
 * Photos in an S3-compatible object store (STORAGE_URL=s3://<bucket>): Amazon S3, MinIO,
 * SeaweedFS, Ceph… Path-style addressing (`<endpoint>/<bucket>/<key>`), which every
 * S3-compatible store understands, and checksums only where the S3 API requires them: the
 * SDK's newer default (a CRC trailer on every upload) is refused by some of these stores.
 */
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { checkKey, type Storage, type StoredObject } from './storage';
import type { StorageSetting } from './storage-setting';

type S3Setting = Extract<StorageSetting, { kind: 's3' }>;

function isMissing(err: unknown): boolean {
  if (err instanceof NoSuchKey || err instanceof NotFound) return true;
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3Storage implements Storage {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(setting: S3Setting) {
    this.bucket = setting.bucket;
    this.location = `s3://${setting.bucket}${setting.endpoint ? ` at ${setting.endpoint}` : ''}`;
    this.client = new S3Client({
      region: setting.region,
      endpoint: setting.endpoint,
      forcePathStyle: true,
      credentials: setting.accessKeyId && setting.secretAccessKey
        ? { accessKeyId: setting.accessKeyId, secretAccessKey: setting.secretAccessKey } : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: checkKey(key), Body: body, ContentType: contentType }));
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const found = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      return Buffer.from(await found.Body!.transformToByteArray());
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix || undefined })) {
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield { key: object.Key, bytes: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
    }
  }

  /** Closes the SDK's connections (tests, scripts). */
  close(): void {
    this.client.destroy();
  }
}
