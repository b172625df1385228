-- The procedure a submission is about (its ma_thu_tuc), when the person came from its page or
-- typed its code: routing uses its lĩnh vực → unit, and staff see it.
ALTER TABLE submissions ADD COLUMN procedure_code TEXT;
