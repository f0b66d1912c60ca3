-- Travel time by road (and ferry) from the centre of each municipality to each
-- unit site, for finding the nearest unit that can take a patient.
CREATE TABLE travel_time (
    municipality_id BIGINT NOT NULL REFERENCES org (id),
    site TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    km INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, site)
);
