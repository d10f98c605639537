-- Roles and databases for the compose stack. The postgres image runs this file
-- (from /docker-entrypoint-initdb.d) once, as the superuser, and only when the
-- data volume is empty: changing a password later means ALTER ROLE by hand.
-- Passwords come from the container environment through psql \getenv
-- (PostgreSQL 15+); compose refuses to start when they are unset.
\set ON_ERROR_STOP on
\getenv temporal_password TEMPORAL_DB_PASSWORD
\getenv whistle_password WHISTLE_DB_PASSWORD

-- Temporal: persistence and visibility stores. Schemas are created and
-- upgraded by the temporal-schema job (temporal-sql-tool).
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

-- SQL visibility needs btree_gin; create it here so the schema job does not
-- depend on extension privileges.
\connect temporal_visibility
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Whistle: owning its database lets it create tables in the public schema
-- (PostgreSQL 15+ no longer grants that to everyone). Migrations run at start.
CREATE ROLE whistle LOGIN PASSWORD :'whistle_password';
CREATE DATABASE whistle OWNER whistle;
