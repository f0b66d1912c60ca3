-- What each unit can treat, from the coded list in src/flow/flow.h. The unit's
-- version (org.version) changes with its bed count and this list; every
-- version is kept in change_log as a FHIR Location.
CREATE TABLE unit_capability (
    unit_id BIGINT NOT NULL REFERENCES org (id),
    code TEXT NOT NULL,
    PRIMARY KEY (unit_id, code)
);
