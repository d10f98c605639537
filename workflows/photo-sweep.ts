/**
 * Photos (附件) nothing references: one sweep deleting the uploads left unattached for 24 hours
 * (and attaching those a timeline entry names; activities/photo-sweep.ts). Started every hour by
 * the Temporal Schedule `photo-sweep` (lib/schedules.ts), so operators see each sweep, and what it
 * deleted, in the Temporal UI. Idempotent: a sweep run twice deletes each upload once.
 */
import type { PhotoSweep, PhotoSweepActivities } from '../activities/types';
import { logged, scheduleRunActivities } from './schedule-run';

const { sweepUnreferencedPhotos } = scheduleRunActivities<PhotoSweepActivities>(
  '30 minutes', 'delete photos nothing references after 24 hours',
);

export async function photoSweep(): Promise<PhotoSweep> {
  return logged('photo sweep', sweepUnreferencedPhotos());
}
