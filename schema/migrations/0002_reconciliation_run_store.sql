ALTER TABLE "reconciliation_runs" ADD COLUMN "store_id" text;--> statement-breakpoint
CREATE INDEX "reconciliation_runs_by_time" ON "reconciliation_runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_by_store" ON "reconciliation_runs" USING btree ("store_id","started_at");