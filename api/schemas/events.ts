/** Live updates (GET /v1/events): the request's headers and what the stream carries. */
import { Type, type Static } from '@sinclair/typebox';

export const EventsHeaders = Type.Object({
  // Any text: one this API never gave out is answered with the event `reset`, not with 400.
  'last-event-id': Type.Optional(Type.String({ description: 'The id of the last event received: what was missed since is sent first (within the last 5 minutes; otherwise the event `reset`)' })),
});
export type EventsHeaders = Static<typeof EventsHeaders>;

export const EVENTS_DESCRIPTION = [
  'Server-Sent Events (`text/event-stream`), each with an `id` to resume from:',
  '',
  '- `whistle` `{ id, status, holder, version }`: a whistle the caller may see changed (filed, an action, a deadline);',
  '- `help` `{ id, status, holder, version }`: a help request changed (`holder` is the account that took it, or null);',
  '- `notification` `{ id, kind, subjectId }`: a notification for the caller (`id` as in GET /v1/notifications);',
  '- `reset` `{ reason }`: reload what is shown — `expired` (Last-Event-ID older than the last 5 minutes), `invalid` (never given out), ' +
    '`ahead` (from the future), `lost` (the API lost track of changes), `overflow` (the client did not read; the stream then closes).',
  '',
  'A comment line (`: heartbeat`) comes at least every 25 s, and `: ready` once the stream is live; each also carries the id to ' +
    'resume from. An event follows a change within a second. A reconnection with `Last-Event-ID` gets what it missed first ' +
    '(at most once more an event it already had). The stream ends when the session ends or the account is disabled. ' +
    'Too many streams for the account or the API process: 429.',
].join('\n');
