ALTER TABLE "cells" ADD COLUMN "in_transit" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cells" ADD COLUMN "incoming" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "movements" ADD COLUMN "reference" text;--> statement-breakpoint
CREATE INDEX "movements_by_reference" ON "movements" USING btree ("reference");