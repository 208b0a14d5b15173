CREATE TABLE "cells" (
	"store_id" text NOT NULL,
	"sku" text NOT NULL,
	"version" bigint NOT NULL,
	"on_hand" integer NOT NULL,
	"reserved" integer NOT NULL,
	"sold_out" boolean NOT NULL,
	"oversold" boolean NOT NULL,
	"shared" integer NOT NULL,
	"free" jsonb NOT NULL,
	"quotas" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cells_store_id_sku_pk" PRIMARY KEY("store_id","sku")
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" text PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"body" jsonb NOT NULL,
	"attempts" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "movements" (
	"event_id" text PRIMARY KEY NOT NULL,
	"store_id" text NOT NULL,
	"sku" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"qty" integer,
	"delta" integer,
	"channel" text,
	"reason" text,
	"reservation_id" text,
	"source_event_id" text,
	"on_hand_before" integer NOT NULL,
	"on_hand_after" integer NOT NULL,
	"reserved_before" integer NOT NULL,
	"reserved_after" integer NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oversells" (
	"id" text PRIMARY KEY NOT NULL,
	"store_id" text NOT NULL,
	"sku" text NOT NULL,
	"shortfall" integer NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"healed_at" timestamp with time zone,
	"causes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_differences" (
	"run_id" text NOT NULL,
	"store_id" text NOT NULL,
	"sku" text NOT NULL,
	"kind" text NOT NULL,
	"expected" text,
	"actual" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"cells_checked" integer NOT NULL,
	"differences" integer NOT NULL,
	"clean" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"reservation_id" text NOT NULL,
	"store_id" text NOT NULL,
	"sku" text NOT NULL,
	"channel" text,
	"qty" integer NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	CONSTRAINT "reservations_reservation_id_store_id_sku_pk" PRIMARY KEY("reservation_id","store_id","sku")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"store_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region" text NOT NULL,
	"timezone" text NOT NULL,
	"priority" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cells_low_stock" ON "cells" USING btree ("store_id","on_hand");--> statement-breakpoint
CREATE INDEX "movements_by_cell" ON "movements" USING btree ("store_id","sku","seq");--> statement-breakpoint
CREATE INDEX "movements_by_store_time" ON "movements" USING btree ("store_id","at","event_id");--> statement-breakpoint
CREATE INDEX "movements_by_time" ON "movements" USING btree ("at","event_id");--> statement-breakpoint
CREATE INDEX "oversells_by_store" ON "oversells" USING btree ("store_id","opened_at");--> statement-breakpoint
CREATE INDEX "differences_by_run" ON "reconciliation_differences" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "reservations_by_status" ON "reservations" USING btree ("status","ended_at");--> statement-breakpoint
CREATE INDEX "reservations_by_store" ON "reservations" USING btree ("store_id","status");