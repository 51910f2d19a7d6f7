-- Idempotency answers are kept encrypted (lib/encryption.ts, field idempotency_keys.response_body), as
-- text. A record written before this keeps its JSON as text and is read as it is until it expires (24 h).
ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" SET DATA TYPE text USING "response_body"::text;
