/**
 * A SeaweedFS server of the test's own, with its S3 gateway: `weed server -s3` in a temp dir on
 * free ports, one identity (access key and secret) in its s3.config, and a bucket made for the
 * test. The binary comes from scripts/ensure-seaweedfs.sh (`--find-only`: a missing binary fails
 * the test with the command that builds it; nothing is skipped). Started in its own process group
 * and ended by its own id.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../../lib/temporal-dev-server';
import type { StorageSetting } from '../../lib/attachments/storage-setting';
import { ROOT, sleep, tempDir } from './processes';

export interface OwnSeaweedFs {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The setting of a bucket on this server (made by `createBucket`). */
  setting(bucket: string): Extract<StorageSetting, { kind: 's3' }>;
  createBucket(bucket: string): Promise<void>;
  /** Ends the server (its process group) and removes its files. */
  stop(): Promise<void>;
}

/** The `weed` binary, or an error that says how to build it. */
function weedBinary(): string {
  try {
    return execFileSync('bash', [path.join(ROOT, 'scripts/ensure-seaweedfs.sh'), '--find-only'], { encoding: 'utf8' }).trim();
  } catch (err) {
    throw new Error(`SeaweedFS (weed) is needed by the S3 storage tests and is missing: run \`bash scripts/ensure-seaweedfs.sh\` once (${(err as Error).message})`, { cause: err });
  }
}

function s3Client(endpoint: string, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function startSeaweedFs(): Promise<OwnSeaweedFs> {
  const binary = weedBinary();
  const dir = tempDir('whistle-seaweedfs');
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  const accessKeyId = `test${randomBytes(6).toString('hex')}`;
  const secretAccessKey = randomBytes(20).toString('hex');
  const config = path.join(dir, 's3.json');
  fs.writeFileSync(config, JSON.stringify({
    identities: [{ name: 'whistle', credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }],
  }));
  fs.mkdirSync(path.join(dir, 'data'));
  const logFile = path.join(dir, 'weed.log');
  const out = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(binary, [
    'server', `-dir=${path.join(dir, 'data')}`, '-ip=127.0.0.1', '-ip.bind=127.0.0.1',
    `-master.port=${master}`, `-master.port.grpc=${masterGrpc}`, '-master.volumeSizeLimitMB=64',
    `-volume.port=${volume}`, `-volume.port.grpc=${volumeGrpc}`, '-volume.max=100', '-volume.preStopSeconds=0',
    '-filer', `-filer.port=${filer}`, `-filer.port.grpc=${filerGrpc}`,
    '-s3', `-s3.port=${s3}`, `-s3.port.grpc=${s3Grpc}`, `-s3.config=${config}`, '-s3.port.iceberg=0', '-s3.port.lance=0',
    `-filer.localSocket=${path.join(dir, 'filer.sock')}`, `-s3.localSocket=${path.join(dir, 's3.sock')}`,
    '-master.telemetry=false',
  ], { stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const stop = async () => {
    // A throwaway server: SIGKILL at once (its graceful stop takes over 15 s), its files go below.
    if (!exited) {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    // weed names its local gRPC sockets after their ports, always in /tmp.
    for (const [service, port] of [['master', masterGrpc], ['volume', volumeGrpc], ['filer', filerGrpc], ['s3', s3Grpc]] as const) {
      fs.rmSync(`/tmp/seaweedfs-${service}-grpc-${port}.sock`, { force: true });
    }
  };

  const endpoint = `http://127.0.0.1:${s3}`;
  const client = s3Client(endpoint, accessKeyId, secretAccessKey);
  try {
    // Up when an object can be written: the S3 gateway answers first, but a write waits until the
    // filer has joined the master (several seconds later).
    const deadline = Date.now() + 90_000;
    let bucket = false;
    for (;;) {
      if (exited) throw new Error(`weed exited at start:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
      try {
        if (!bucket) await client.send(new CreateBucketCommand({ Bucket: 'whistle-ready' }));
        bucket = true;
        await client.send(new PutObjectCommand({ Bucket: 'whistle-ready', Key: 'ready', Body: 'ready' }));
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`SeaweedFS's S3 gateway did not answer on ${endpoint}: ${(err as Error).message}`, { cause: err });
        await sleep(250);
      }
    }
  } catch (err) {
    client.destroy();
    await stop();
    throw err;
  }

  return {
    endpoint, accessKeyId, secretAccessKey,
    setting: (bucket) => ({ kind: 's3', bucket, endpoint, region: 'us-east-1', accessKeyId, secretAccessKey }),
    async createBucket(bucket) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async stop() {
      client.destroy();
      await stop();
    },
  };
}
