/**
 * Photos (附件): what they may be, who uploads them, what they are attached to, and how many.
 * Part of the vocabulary's leaf: nothing here imports anything of the project.
 */
import type { Role } from './roles';

/** The stored image's type: the upload's own format, recognised from its bytes. */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageContentType = typeof IMAGE_CONTENT_TYPES[number];

/** Roles that upload and see photos; every other role (admin, security, auditor) is answered 403. */
export const ATTACHMENT_ROLES: readonly Role[] = ['community', 'street', 'center', 'department', 'supervisor', 'member', 'resident'];

/** What a photo is attached to: a whistle (吹哨) or a help request (邻里搭把手). */
export type AttachmentSubjectKind = 'whistle' | 'help_request';

export interface AttachmentSubject {
  kind: AttachmentSubjectKind;
  id: string;
}

/** `attachmentIds` of one call: at most this many. */
export const MAX_ATTACHMENTS_PER_CALL = 9;

/** Photos one whistle holds at most. */
export const MAX_ATTACHMENTS_PER_WHISTLE = 30;

/** A photo as a whistle's or help request's view lists it (the API composes the list from the attachments table). */
export interface ShownPhoto {
  id: string;
  contentType: ImageContentType;
  bytes: number;
  width: number;
  height: number;
  /** `filing` or the action that attached it. */
  stage: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** The stage an upload is attached at, from the timeline entry whose call attached it (the sweep's repair). */
export const STAGE_OF_ENTRY: Readonly<Record<AttachmentSubjectKind, Readonly<Record<string, string>>>> = {
  whistle: { filed: 'filing', progress: 'progress', resolved: 'resolve', escalated: 'escalate', returned: 'return' },
  help_request: { posted: 'filing', completed: 'complete' },
};
