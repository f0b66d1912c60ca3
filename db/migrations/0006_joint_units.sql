-- Joint units (model B, "trekkspill"): a day price and the hospital trust's share
-- of the prepayment; each stay charged to a party by the joint team.
ALTER TABLE org ADD COLUMN day_price_nok INTEGER;
ALTER TABLE org ADD COLUMN hf_share_percent INTEGER;
ALTER TABLE stay ADD COLUMN charged_to BIGINT REFERENCES org (id);
ALTER TABLE stay ADD COLUMN charged_by BIGINT REFERENCES app_user (id);
ALTER TABLE stay ADD COLUMN charged_at BIGINT;
