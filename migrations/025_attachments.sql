-- Up Migration

-- Photos (附件): one row per upload (the image and its thumbnail are in the storage STORAGE_URL
-- names, under keys made from the id). `content_type`, `bytes`, `width` and `height` describe
-- the stored image: after re-encoding and rotation, what GET serves. An upload stays unattached
-- (`attached_to_*`, `stage` and `attached_at` all null, seen by its uploader alone) until an
-- action of its uploader attaches it to a whistle or a help request, once; one that nothing
-- references within 24 hours is deleted with its objects.
CREATE TABLE attachments (
  id                text PRIMARY KEY,
  uploaded_by       text NOT NULL REFERENCES accounts (id),
  content_type      text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes             integer NOT NULL CHECK (bytes > 0),
  width             integer NOT NULL CHECK (width > 0),
  height            integer NOT NULL CHECK (height > 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  attached_to_kind  text CHECK (attached_to_kind IN ('whistle', 'help_request')),
  attached_to_id    text,
  -- `filing` (the whistle or help request was filed with it) or the action's name (`progress`, `resolve` …).
  stage             text,
  attached_at       timestamptz,
  CHECK (
    (attached_to_kind IS NULL AND attached_to_id IS NULL AND stage IS NULL AND attached_at IS NULL)
    OR (attached_to_kind IS NOT NULL AND attached_to_id IS NOT NULL AND stage IS NOT NULL AND attached_at IS NOT NULL)
  )
);
-- The photos of a whistle or help request, in the order they were attached.
CREATE INDEX attachments_attached_to_idx ON attachments (attached_to_kind, attached_to_id, attached_at)
  WHERE attached_to_id IS NOT NULL;
-- The sweep of uploads nothing references, oldest first.
CREATE INDEX attachments_unattached_idx ON attachments (created_at) WHERE attached_to_id IS NULL;
CREATE INDEX attachments_uploaded_by_idx ON attachments (uploaded_by);

-- Down Migration
DROP TABLE attachments;
