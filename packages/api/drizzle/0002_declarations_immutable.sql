-- Declarations are evidence: rows are never edited or deleted. A new declaration or a review is a
-- new row. Erasure (data protection) is the one exception and must set harbour.erasure = 'on' in
-- its own transaction (SET LOCAL), so no ordinary code path can change a declaration.
CREATE OR REPLACE FUNCTION harbour_refuse_declaration_change() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('harbour.erasure', true), '') = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  RAISE EXCEPTION 'declarations are immutable' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER declarations_immutable
  BEFORE UPDATE OR DELETE ON declarations
  FOR EACH ROW EXECUTE FUNCTION harbour_refuse_declaration_change();
