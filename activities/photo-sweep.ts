/**
 * The sweep of photos nothing references (附件: an upload that nothing references within 24 hours
 * is deleted), run every hour by the `photo-sweep` Schedule (workflows/photo-sweep.ts): the work
 * is lib/attachments/sweep.ts's, with the storage STORAGE_URL names, opened for the run.
 */
import type { Pool } from 'pg';
import { createStorage } from '../lib/attachments/create-storage';
import type { StorageSetting } from '../lib/attachments/storage-setting';
import { sweepUnreferencedUploads } from '../lib/attachments/sweep';
import type { PhotoSweep, PhotoSweepActivities } from './types';

export function createPhotoSweepActivities(pool: Pool, storage: () => StorageSetting): PhotoSweepActivities {
  return {
    async sweepUnreferencedPhotos(): Promise<PhotoSweep> {
      const store = createStorage(storage());
      try {
        return await sweepUnreferencedUploads({ pool, storage: store });
      } finally {
        store.close();
      }
    },
  };
}
