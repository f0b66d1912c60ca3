-- Foundation: organisations, people, patients, sessions, audit and change log.
-- Portable SQL for SQLite and PostgreSQL. Times are BIGINT microseconds since the
-- Unix epoch (UTC). Ids are time-ordered BIGINTs assigned by the server.

CREATE TABLE org (
    id BIGINT PRIMARY KEY,
    type TEXT NOT NULL,           -- helsefellesskap, hf, hospital, municipality, unit, gp-office
    unit_type TEXT,               -- for units: hospital-ward, kad, sykestue, joint-unit, short-term-nursing-home, home-care
    name TEXT NOT NULL,
    name_lc TEXT NOT NULL,
    parent_id BIGINT REFERENCES org (id),
    kommunenummer TEXT UNIQUE,    -- municipalities only
    orgnr TEXT,                   -- organisation number (9 digits) where known
    site TEXT,                    -- physical site of a unit, e.g. Knarvik
    beds INTEGER,                 -- units: number of beds
    version INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);
CREATE INDEX org_type ON org (type);
CREATE INDEX org_name ON org (name_lc);
CREATE INDEX org_parent ON org (parent_id);

CREATE TABLE population (
    municipality_id BIGINT NOT NULL REFERENCES org (id),
    year INTEGER NOT NULL,
    sex TEXT NOT NULL,            -- female, male
    age_band TEXT NOT NULL,       -- 0-17, 18-49, 50-66, 67-79, 80-89, 90+
    count INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, year, sex, age_band)
);

CREATE TABLE app_user (
    id BIGINT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES org (id),
    patient_id BIGINT,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Failed logins per username, known or not, so unknown users answer alike.
CREATE TABLE login_failure (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL
);

CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE patient (
    id BIGINT PRIMARY KEY,
    nid TEXT NOT NULL UNIQUE,     -- fødselsnummer or D-number, 11 digits
    nid_kind TEXT NOT NULL,       -- fnr, dnr
    family TEXT NOT NULL,
    given TEXT NOT NULL,
    family_lc TEXT NOT NULL,
    given_lc TEXT NOT NULL,
    birth_date TEXT NOT NULL,     -- YYYY-MM-DD
    sex TEXT NOT NULL,            -- female, male
    municipality_id BIGINT REFERENCES org (id),
    gp_user_id BIGINT REFERENCES app_user (id),
    gp_org_id BIGINT REFERENCES org (id),
    version INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    resource TEXT NOT NULL        -- the FHIR Patient as served, meta included
);
CREATE INDEX patient_family ON patient (family_lc);
CREATE INDEX patient_given ON patient (given_lc);
CREATE INDEX patient_birth ON patient (birth_date);
CREATE INDEX patient_municipality ON patient (municipality_id);
CREATE INDEX patient_gp ON patient (gp_user_id);


-- A patient's stay in a unit. The patient-flow module owns and extends it; the
-- access policy reads it (staff of the unit have a relation to its patients).
CREATE TABLE stay (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    unit_id BIGINT NOT NULL REFERENCES org (id),
    start_at BIGINT NOT NULL,
    end_at BIGINT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stay_patient ON stay (patient_id);
CREATE INDEX stay_unit ON stay (unit_id, end_at);

CREATE TABLE emergency_access (
    id BIGINT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    reason TEXT NOT NULL,
    at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX emergency_user_patient ON emergency_access (user_id, patient_id, expires_at);

-- Append-only: no code path updates or deletes it, and the database refuses to.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT,
    role TEXT,
    org_id BIGINT,
    patient_id BIGINT,
    action TEXT NOT NULL,         -- read, search, create, update, history, emergency, login
    what TEXT NOT NULL,           -- what was accessed, e.g. "Patient/123"
    relation TEXT,                -- the relation that allowed it, or "emergency"
    reason TEXT,                  -- the emergency reason
    outcome TEXT NOT NULL         -- allowed, denied
);
CREATE INDEX audit_patient ON audit_log (patient_id, id);

-- One row per version of every domain resource: history, audit and fan-out.
CREATE TABLE change_log (
    seq BIGINT PRIMARY KEY,
    rtype TEXT NOT NULL,
    rid BIGINT NOT NULL,
    version INTEGER NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT,
    action TEXT NOT NULL,         -- create, update, delete
    resource TEXT NOT NULL,
    UNIQUE (rtype, rid, version)
);
