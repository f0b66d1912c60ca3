-- Discharge-ready patients (utskrivningsklare): one case per hospital stay that
-- may need municipal services, its messages in order, and the day rates.
CREATE TABLE discharge_rate (
    year INTEGER PRIMARY KEY,
    nok_per_day INTEGER NOT NULL
);
-- Helsedirektoratet's rates (NOK per day).
INSERT INTO discharge_rate (year, nok_per_day) VALUES
    (2014, 4255), (2015, 4387), (2016, 4505), (2017, 4622), (2018, 4747), (2019, 4885),
    (2020, 5036), (2021, 5167), (2022, 5306), (2023, 5508), (2024, 5745);

CREATE TABLE discharge_case (
    id BIGINT PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patient (id),
    unit_id BIGINT NOT NULL REFERENCES org (id),         -- the hospital ward
    municipality_id BIGINT NOT NULL REFERENCES org (id), -- the municipality that pays
    status TEXT NOT NULL,                                -- admitted, ready, offered, closed
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX discharge_case_municipality ON discharge_case (municipality_id, status);
CREATE INDEX discharge_case_unit ON discharge_case (unit_id, status);
CREATE INDEX discharge_case_patient ON discharge_case (patient_id, status);

CREATE TABLE discharge_event (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES discharge_case (id),
    kind TEXT NOT NULL,  -- admitted, ready, receive, cannot, cancelled, readmitted, discharged
    at BIGINT NOT NULL,
    day TEXT,            -- receive: the day offered; cannot: the day expected (YYYY-MM-DD)
    place TEXT,          -- receive: where
    note TEXT,
    user_id BIGINT REFERENCES app_user (id)
);
CREATE INDEX discharge_event_case ON discharge_event (case_id, id);
