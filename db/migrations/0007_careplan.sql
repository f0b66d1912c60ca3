-- Shared care (model D): care teams across organisations, one shared plan per
-- patient with goals, health issues and tasks, the plan's message thread,
-- relatives' consent, co-consultations and home measurements. Days are
-- "YYYY-MM-DD" text (they sort as dates); times are microseconds (UTC). Rows
-- that are FHIR resources keep the resource as served in `resource`; every
-- version is in change_log.

-- Standing teams (PSHT, FACT, a home-care team; patient_id NULL) and the
-- micro-team around one patient (patient_id set, parent_id the standing team
-- that follows the patient, if any).
CREATE TABLE care_team (
    id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,             -- psht, fact, home-care, micro
    name TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES org (id),
    patient_id BIGINT REFERENCES patient (id),
    parent_id BIGINT REFERENCES care_team (id),
    status TEXT NOT NULL,           -- active, inactive
    version INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    resource TEXT NOT NULL
);
CREATE INDEX care_team_patient ON care_team (patient_id);
CREATE INDEX care_team_parent ON care_team (parent_id);

-- A member of a team from from_day to to_day (inclusive; NULL: open). A member
-- with a user account has a relation to the team's patients while a member.
CREATE TABLE care_member (
    id BIGINT PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES care_team (id),
    user_id BIGINT REFERENCES app_user (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,             -- gp, specialist, nurse, home-care-nurse, ...
    org_id BIGINT REFERENCES org (id),
    contact TEXT,
    from_day TEXT NOT NULL,
    to_day TEXT
);
CREATE INDEX care_member_team ON care_member (team_id);
CREATE INDEX care_member_user ON care_member (user_id);

-- At most one active plan per patient, owned by its micro-team.
CREATE TABLE care_plan (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    team_id BIGINT NOT NULL REFERENCES care_team (id),
    status TEXT NOT NULL,           -- active, completed, revoked
    title TEXT NOT NULL,
    individual_plan INTEGER NOT NULL,  -- 1: an individual plan (IP): needs a coordinator
    coordinator_id BIGINT REFERENCES care_member (id),
    what_matters TEXT,              -- "Hva er viktig for deg?" in the patient's words
    crisis_signs TEXT,
    crisis_actions TEXT,
    nutrition_weight TEXT,          -- kg as written, e.g. 61.5
    nutrition_screening TEXT,       -- not-at-risk, at-risk, malnourished
    nutrition_notes TEXT,
    contacts TEXT,                  -- JSON array of {name, relation, phone}
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES app_user (id),
    resource TEXT NOT NULL
);
CREATE UNIQUE INDEX care_plan_one_active ON care_plan (patient_id) WHERE status = 'active';
CREATE INDEX care_plan_team ON care_plan (team_id);

-- Goals, health issues (FHIR Condition) and tasks of a plan.
CREATE TABLE care_item (
    id BIGINT PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES care_plan (id),
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    kind TEXT NOT NULL,             -- goal, issue, task
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    day TEXT,                       -- goal: target day; task: due day; issue: onset
    expressed_by TEXT,              -- goal: patient, team
    code_system TEXT,               -- issue: icpc2, icd10
    code TEXT,
    assignee_user_id BIGINT REFERENCES app_user (id),
    assignee_org_id BIGINT REFERENCES org (id),
    assignee_patient INTEGER NOT NULL DEFAULT 0,
    recurrence TEXT,                -- task: daily, weekly, monthly
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES app_user (id),
    resource TEXT NOT NULL
);
CREATE INDEX care_item_plan ON care_item (plan_id, kind);
CREATE INDEX care_item_user ON care_item (assignee_user_id, status);
CREATE INDEX care_item_org ON care_item (assignee_org_id, status);
CREATE INDEX care_item_patient ON care_item (patient_id, kind);

-- What changed in a plan, in words, for "what changed since I last looked".
CREATE TABLE care_event (
    id BIGINT PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES care_plan (id),
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES app_user (id),
    rtype TEXT NOT NULL,            -- the resource changed: CarePlan, Goal, Task, ...
    rid BIGINT NOT NULL,
    version INTEGER NOT NULL,       -- its version after the change
    fields TEXT NOT NULL,           -- the fields changed, comma-separated
    summary TEXT NOT NULL
);
CREATE INDEX care_event_plan ON care_event (plan_id, id);
CREATE INDEX care_event_resource ON care_event (rtype, rid, version);

CREATE TABLE care_seen (
    plan_id BIGINT NOT NULL REFERENCES care_plan (id),
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (plan_id, user_id)
);

-- The plan's thread. A question is "ask the specialist": addressed to a
-- hospital organisation, open until a clinician there answers it.
CREATE TABLE care_message (
    id BIGINT PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES care_plan (id),
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    author_id BIGINT NOT NULL REFERENCES app_user (id),
    kind TEXT NOT NULL,             -- message, question, answer
    body TEXT NOT NULL,
    to_org_id BIGINT REFERENCES org (id),
    reply_to BIGINT REFERENCES care_message (id),
    status TEXT NOT NULL,           -- completed; question: in-progress until answered
    at BIGINT NOT NULL,
    version INTEGER NOT NULL,
    resource TEXT NOT NULL
);
CREATE INDEX care_message_plan ON care_message (plan_id, id);
CREATE INDEX care_message_to ON care_message (to_org_id, status);
CREATE INDEX care_message_patient ON care_message (patient_id);

-- Read receipts: each reader has read the thread up to last_id.
CREATE TABLE care_read (
    plan_id BIGINT NOT NULL REFERENCES care_plan (id),
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    last_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (plan_id, user_id)
);

-- What a relative may see, as the patient consented (scopes: bits 1 plan,
-- 2 messages, 4 appointments, 8 measurements); withdrawn_at ends it.
CREATE TABLE care_consent (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    relative_user_id BIGINT NOT NULL REFERENCES app_user (id),
    scopes INTEGER NOT NULL,
    given_at BIGINT NOT NULL,
    given_by BIGINT NOT NULL REFERENCES app_user (id),
    withdrawn_at BIGINT
);
CREATE INDEX care_consent_relative ON care_consent (relative_user_id, patient_id);

-- Co-consultations (samkonsultasjon) and the travel each one avoided, priced
-- with the rates in force when it was held.
CREATE TABLE consultation (
    id BIGINT PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES care_plan (id),
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    start_at BIGINT NOT NULL,
    minutes INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    video_url TEXT,
    status TEXT NOT NULL,           -- booked, fulfilled, cancelled
    record TEXT,                    -- what was agreed
    hospital_id BIGINT NOT NULL REFERENCES org (id),
    km INTEGER,                     -- round trip avoided
    travel_minutes INTEGER,
    nok_ore BIGINT,
    co2_g BIGINT,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES app_user (id),
    updated_at BIGINT NOT NULL,
    resource TEXT NOT NULL
);
CREATE INDEX consultation_plan ON consultation (plan_id);
CREATE INDEX consultation_patient ON consultation (patient_id);

CREATE TABLE consultation_participant (
    consultation_id BIGINT NOT NULL REFERENCES consultation (id),
    seq INTEGER NOT NULL,
    user_id BIGINT REFERENCES app_user (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (consultation_id, seq)
);
CREATE INDEX consultation_participant_user ON consultation_participant (user_id);

-- Measurements reported by the patient at home (and, later, by units and
-- devices). The value is kept as written so its precision survives.
CREATE TABLE observation (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    code TEXT NOT NULL,             -- LOINC
    value TEXT NOT NULL,
    unit TEXT NOT NULL,             -- UCUM
    effective_at BIGINT NOT NULL,
    source TEXT NOT NULL,           -- home, unit, device
    user_id BIGINT REFERENCES app_user (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX observation_patient ON observation (patient_id, code, effective_at);

-- Settings that change without a new release: the travel rates.
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
-- NOK per km in øre and kg CO2 per km in grams, for travel a co-consultation
-- avoids (a round trip by car); change with `helsebro rates`.
INSERT INTO setting (key, value) VALUES ('travel.ore_per_km', 350), ('travel.co2_g_per_km', 120);
