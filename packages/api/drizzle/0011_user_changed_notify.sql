-- Every instance keeps signed-in users' account state for a while (AUTH_USER_CACHE_MS) and listens on
-- this channel: any change to a user row (disable, roles, password, sessions ended, MFA) is announced
-- when its transaction commits, whichever instance or tool made it, and each instance forgets that user.
CREATE OR REPLACE FUNCTION harbour_announce_user_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('harbour_user_changed', OLD.id::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_announce_change AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION harbour_announce_user_change();
