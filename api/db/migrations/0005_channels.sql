CREATE TABLE `hotline_orders` (
	`order_no` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`received_on` text NOT NULL,
	`hotline_due_on` text,
	`imported_by` text NOT NULL,
	`imported_at` text NOT NULL,
	`exported_at` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hotline_orders_report_id_unique` ON `hotline_orders` (`report_id`);--> statement-breakpoint
CREATE INDEX `hotline_orders_imported_idx` ON `hotline_orders` (`imported_at`);--> statement-breakpoint
CREATE TABLE `notify_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`item_count` integer NOT NULL,
	`digest` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `notify_deliveries_status_idx` ON `notify_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `notify_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`kind` text NOT NULL,
	`report_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notify_events_dedupe_key_unique` ON `notify_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notify_events_report_idx` ON `notify_events` (`report_id`);--> statement-breakpoint
CREATE TABLE `notify_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`recipient` text NOT NULL,
	`delivery_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `notify_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notify_items_event_recipient` ON `notify_items` (`event_id`,`recipient`);--> statement-breakpoint
CREATE INDEX `notify_items_delivery_idx` ON `notify_items` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `notify_prefs` (
	`staff_id` text PRIMARY KEY NOT NULL,
	`email` text,
	`mode` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notify_webhooks` (
	`scope` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`secret` text,
	`mode` text DEFAULT 'instant' NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `staff_intakes` (
	`report_id` text PRIMARY KEY NOT NULL,
	`entered_by` text NOT NULL,
	`source_body` text,
	`entered_at` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `reports` ADD `channel` text DEFAULT 'web' NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `received_on` text;