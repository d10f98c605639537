-- Up Migration

-- Photos named by timeline entries (`data.attachmentIds`, written by the call that attached them):
-- the sweep of unreferenced uploads looks here before deleting one, so that an upload whose action
-- went through but whose attaching was never committed (the API died in between) is attached, not lost.
CREATE INDEX whistle_events_attachments_idx ON whistle_events USING gin ((data -> 'attachmentIds'))
  WHERE data ? 'attachmentIds';
CREATE INDEX help_events_attachments_idx ON help_events USING gin ((data -> 'attachmentIds'))
  WHERE data ? 'attachmentIds';

-- Down Migration
DROP INDEX help_events_attachments_idx;
DROP INDEX whistle_events_attachments_idx;
