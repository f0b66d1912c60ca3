-- User experience per municipality and year: the GP patient survey's six
-- indicators (fastlege) and PaRIS measures (paris), imported from CSV; a
-- score 0-100 kept as written, and how many answered.
CREATE TABLE survey_result (
    municipality_id BIGINT NOT NULL REFERENCES org (id),
    year INTEGER NOT NULL,
    survey TEXT NOT NULL,          -- fastlege, paris
    measure TEXT NOT NULL,         -- e.g. kontinuitet, koordinering
    value TEXT NOT NULL,           -- 0-100 as written, e.g. 78.4
    respondents INTEGER NOT NULL,
    PRIMARY KEY (municipality_id, year, survey, measure)
);
