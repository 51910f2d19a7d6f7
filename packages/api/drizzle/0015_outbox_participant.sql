ALTER TABLE "outbox_messages" ADD COLUMN "participant_id" uuid;--> statement-breakpoint
CREATE INDEX "outbox_messages_participant_idx" ON "outbox_messages" USING btree ("participant_id");