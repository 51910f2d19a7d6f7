-- Declarations stay immutable; two transactions may still change them, each by SET LOCAL:
--   harbour.erasure = 'on'       data-protection erasure: shreds answers and notes (any change).
--   harbour.key_rotation = 'on'  rotate-key: re-encrypts `answers` and `review_note` and may change
--                                nothing else (no DELETE, every other column unchanged).
CREATE OR REPLACE FUNCTION harbour_refuse_declaration_change() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('harbour.erasure', true), '') = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF TG_OP = 'UPDATE'
     AND coalesce(current_setting('harbour.key_rotation', true), '') = 'on'
     AND (to_jsonb(NEW) - 'answers' - 'review_note') = (to_jsonb(OLD) - 'answers' - 'review_note') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'declarations are immutable' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
