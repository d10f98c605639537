-- Up Migration

-- 派单目录 (dispatch catalogue): for each category of matter, the list it usually belongs to and the
-- departments that usually handle it, with the lead (牵头单位). The center keeps it
-- (PUT /v1/dispatch-catalogue/:category, audited); it only suggests: triage still names its departments.
CREATE TABLE dispatch_catalogue (
  category            text PRIMARY KEY,
  list                text NOT NULL CHECK (list IN ('immediate', 'phased', 'understanding')),
  department_ids      text[] NOT NULL CHECK (cardinality(department_ids) > 0),
  lead_department_id  text NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  updated_by          text NOT NULL,
  CHECK (lead_department_id = ANY (department_ids))
);

-- Down Migration
DROP TABLE dispatch_catalogue;
