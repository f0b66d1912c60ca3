-- FHIR Subscriptions (R4 rest-hook) for new monitoring alerts. Every
-- notification is stored in the transaction that raised its alert, before
-- anything is sent, and delivered with retries and back-off until the
-- receiver takes it; it can be replayed from a point in time.
CREATE TABLE subscription (
    id BIGINT PRIMARY KEY,
    status TEXT NOT NULL,           -- active, off, error
    criteria TEXT NOT NULL,         -- Flag?category=clinical[&patient=Patient/N]
    patient_id BIGINT REFERENCES patient (id),
    endpoint TEXT NOT NULL,
    header TEXT,                    -- one "Name: value" sent with each notification
    payload TEXT,                   -- application/fhir+json, or NULL for an empty body
    reason TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES app_user (id),
    created_at BIGINT NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE notification (
    id BIGINT PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES subscription (id),
    alert_id BIGINT NOT NULL REFERENCES alert (id),
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL,           -- pending, sending, delivered, failed
    attempts INTEGER NOT NULL,
    next_at BIGINT NOT NULL,
    delivered_at BIGINT,
    last_error TEXT
);
CREATE INDEX notification_due ON notification (status, next_at);
CREATE INDEX notification_subscription ON notification (subscription_id, created_at);
