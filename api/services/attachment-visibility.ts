/**
 * Who may see a photo: before it is attached, its uploader alone; once attached, whoever may see
 * the whistle or help request it belongs to (the contract: attachments of a whistle are visible
 * exactly when the whistle is). The rule for each kind of subject is handed in by whoever knows
 * it (the whistle and help services); a kind without a rule shows its photos to no one.
 */
import type { AttachmentSubjectKind } from '../../domain/attachments';
import type { AttachmentRecord } from '../../lib/attachments/types';
import type { Account } from './directory';

/** Whether the account may see the whistle (or help request) of this id. */
export type SubjectVisibility = (account: Account, subjectId: string) => Promise<boolean>;

export type SubjectRules = Partial<Record<AttachmentSubjectKind, SubjectVisibility>>;

export class AttachmentVisibility {
  constructor(private readonly rules: SubjectRules = {}) {}

  async canSee(account: Account, attachment: AttachmentRecord): Promise<boolean> {
    if (!attachment.attachedTo) return attachment.uploadedBy === account.id;
    const rule = this.rules[attachment.attachedTo.kind];
    return rule ? rule(account, attachment.attachedTo.id) : false;
  }
}
