-- Monitoring of vital signs: observations get their value in hundredths for
-- scoring (the text as written stays in `value`), the patients being
-- monitored (scale 2 and personal thresholds with who set them), NEWS2 scores
-- of complete sets, alerts with their escalation, and the escalation ladder.
ALTER TABLE observation ADD COLUMN num BIGINT;          -- hundredths; ACVPU 0-4
ALTER TABLE observation ADD COLUMN kind TEXT;           -- rr, spo2, oxygen, sbp, dbp, ...
CREATE INDEX observation_created ON observation (created_at);
-- Finding the sets a new measurement completes: a patient's measurements by time.
CREATE INDEX observation_time ON observation (patient_id, effective_at);

CREATE TABLE monitoring (
    patient_id BIGINT PRIMARY KEY REFERENCES patient (id),
    active INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    started_by BIGINT REFERENCES app_user (id),
    scale INTEGER NOT NULL,         -- SpO2 scale 1 or 2 (hypercapnic target)
    scale_by BIGINT REFERENCES app_user (id),
    scale_at BIGINT,
    thresholds TEXT,                -- JSON {kind: {"min": "..", "max": ".."}}
    thresholds_by BIGINT REFERENCES app_user (id),
    thresholds_at BIGINT,
    version INTEGER NOT NULL
);

CREATE TABLE news2 (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    at BIGINT NOT NULL,             -- the newest measurement of the set
    total INTEGER NOT NULL,
    rr INTEGER NOT NULL, spo2 INTEGER NOT NULL, air INTEGER NOT NULL, sbp INTEGER NOT NULL,
    pulse INTEGER NOT NULL, acvpu INTEGER NOT NULL, temp INTEGER NOT NULL,
    scale INTEGER NOT NULL,
    risk TEXT NOT NULL,             -- low, low-medium, medium, high
    monitor_minutes INTEGER NOT NULL,
    sources TEXT NOT NULL,          -- the observation ids scored, comma-separated
    created_at BIGINT NOT NULL
);
CREATE INDEX news2_patient ON news2 (patient_id, at);

-- The ladder an alert climbs when nobody acknowledges it in time.
CREATE TABLE escalation_level (
    level INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    ack_minutes INTEGER NOT NULL
);
INSERT INTO escalation_level (level, name, ack_minutes) VALUES
    (1, 'Ansvarlig sykepleier (enheten eller hjemmetjenesten)', 15),
    (2, 'Lege: legevakt, KAD-lege eller fastlege', 15),
    (3, 'Vakthavende lege, sykehuset', 30);

CREATE TABLE alert (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    kind TEXT NOT NULL,             -- news2-medium, news2-high, single-3, threshold, missed
    detail TEXT NOT NULL,
    route TEXT NOT NULL,            -- unit, team, gp
    route_id BIGINT NOT NULL,       -- the unit, the care team or the GP user
    level INTEGER NOT NULL,
    status TEXT NOT NULL,           -- open, acknowledged, resolved
    raised_at BIGINT NOT NULL,
    escalate_at BIGINT,             -- when an unacknowledged alert climbs a level
    ack_at BIGINT,
    ack_by BIGINT REFERENCES app_user (id),
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES app_user (id),
    note TEXT,
    news2_id BIGINT REFERENCES news2 (id),
    observation_id BIGINT REFERENCES observation (id),
    version INTEGER NOT NULL
);
CREATE INDEX alert_patient ON alert (patient_id, status);
CREATE INDEX alert_route ON alert (route, route_id, status);
CREATE INDEX alert_escalate ON alert (status, escalate_at);

CREATE TABLE alert_event (
    id BIGINT PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alert (id),
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES app_user (id),
    kind TEXT NOT NULL,             -- raised, acknowledged, escalated, resolved
    level INTEGER NOT NULL,
    note TEXT
);
CREATE INDEX alert_event_alert ON alert_event (alert_id, id);
