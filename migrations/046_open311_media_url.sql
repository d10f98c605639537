-- Up Migration

-- Open311 (GeoReport v2): the `media_url` a client sent with `POST requests` (a photo kept
-- elsewhere, http or https, at most 2000 characters). Kept as given, never fetched by the server,
-- and shown only in answers given with the filing community's api_key. The projection
-- (whistle_project) never writes it, so a later projection keeps it.
ALTER TABLE whistles ADD COLUMN media_url text CHECK (media_url IS NULL OR length(media_url) <= 2000);

-- Down Migration
ALTER TABLE whistles DROP COLUMN IF EXISTS media_url;
