-- The stays recorded in a priority group, by their end: the dashboard's share
-- of priority patients with a shared plan reads the last twelve months of
-- them without scanning every stay.
CREATE INDEX stay_priority ON stay (end_at) WHERE priority_group IS NOT NULL;
