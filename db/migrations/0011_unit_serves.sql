-- The municipalities a shared unit serves, such as an inter-municipal KAD:
-- its beds count for each of them by their share of the inhabitants. A unit
-- without rows here serves the municipality that owns it. Set with
-- `helsebro org serves`.
CREATE TABLE unit_serves (
    unit_id BIGINT NOT NULL REFERENCES org (id),
    municipality_id BIGINT NOT NULL REFERENCES org (id),
    PRIMARY KEY (unit_id, municipality_id)
);
