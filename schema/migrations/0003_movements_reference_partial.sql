DROP INDEX "movements_by_reference";--> statement-breakpoint
CREATE INDEX "movements_by_reference" ON "movements" USING btree ("reference" text_pattern_ops) WHERE "movements"."reference" IS NOT NULL;