-- An enrolment's course is its cohort's: the one-live-enrolment-per-course index relies on it.
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_id_course_unique" UNIQUE("id","course_id");--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_cohort_course_fk" FOREIGN KEY ("cohort_id","course_id") REFERENCES "public"."cohorts"("id","course_id") ON DELETE no action ON UPDATE no action;
