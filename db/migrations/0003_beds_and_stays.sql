-- Beds of each unit, numbered 1..beds, and what a stay records about how the
-- patient came and went. A bed holds at most one stay at a time.
CREATE TABLE bed (
    unit_id BIGINT NOT NULL REFERENCES org (id),
    number INTEGER NOT NULL,
    state TEXT NOT NULL,          -- free, occupied, reserved, cleaning, closed
    reason TEXT,                  -- why it is closed, or whom it is reserved for
    reserved_until BIGINT,
    stay_id BIGINT,
    version INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (unit_id, number)
);
CREATE UNIQUE INDEX bed_stay ON bed (stay_id);

ALTER TABLE stay ADD COLUMN bed_number INTEGER;
ALTER TABLE stay ADD COLUMN source TEXT;
ALTER TABLE stay ADD COLUMN referred_by TEXT;
ALTER TABLE stay ADD COLUMN priority_group TEXT;
ALTER TABLE stay ADD COLUMN discharge_to TEXT;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO bed (unit_id, number, state, version, updated_at)
SELECT o.id, n.i, 'free', 1, 0 FROM org o JOIN n ON n.i <= o.beds WHERE o.type = 'unit';
