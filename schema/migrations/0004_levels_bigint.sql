ALTER TABLE "cells" ALTER COLUMN "on_hand" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "cells" ALTER COLUMN "reserved" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "cells" ALTER COLUMN "shared" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "cells" ALTER COLUMN "in_transit" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "cells" ALTER COLUMN "incoming" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "movements" ALTER COLUMN "delta" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "movements" ALTER COLUMN "on_hand_before" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "movements" ALTER COLUMN "on_hand_after" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "movements" ALTER COLUMN "reserved_before" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "movements" ALTER COLUMN "reserved_after" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "oversells" ALTER COLUMN "shortfall" SET DATA TYPE bigint;