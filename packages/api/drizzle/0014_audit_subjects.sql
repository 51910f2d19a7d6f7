ALTER TABLE "audit_events" ADD COLUMN "subject_ids" uuid[];--> statement-breakpoint
CREATE INDEX "audit_events_subjects_idx" ON "audit_events" USING gin ("subject_ids");