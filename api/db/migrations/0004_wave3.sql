CREATE TABLE `case_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` text NOT NULL,
	`author_id` text NOT NULL,
	`sealed_body` blob NOT NULL,
	`step` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_notes_report_idx` ON `case_notes` (`report_id`);--> statement-breakpoint
CREATE TABLE `case_reads` (
	`user_id` text NOT NULL,
	`report_id` text NOT NULL,
	`last_message_id` integer DEFAULT 0 NOT NULL,
	`session_mark` text,
	`viewed_inline` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`user_id`, `report_id`),
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
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
CREATE TABLE `key_grant_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`key_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`created_at` text NOT NULL,
	`decided_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `key_grant_requests_status_idx` ON `key_grant_requests` (`status`,`key_id`);--> statement-breakpoint
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
CREATE TABLE `quiz_exam_attempts` (
	`name_key` text NOT NULL,
	`set_key` text NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`name_key`, `set_key`, `day`)
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
ALTER TABLE `quiz_certificates` ADD `attempt` integer;--> statement-breakpoint
ALTER TABLE `quiz_exams` ADD `name` text;--> statement-breakpoint
ALTER TABLE `quiz_exams` ADD `attempt` integer;--> statement-breakpoint
ALTER TABLE `report_events` ADD `staff_id` text;--> statement-breakpoint
ALTER TABLE `report_events` ADD `message_id` integer;--> statement-breakpoint
ALTER TABLE `report_files` ADD `uploaded_by` text;--> statement-breakpoint
ALTER TABLE `report_messages` ADD `staff_id` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `channel` text DEFAULT 'web' NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `received_on` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `case_year` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `case_seq` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `reports_case_number_idx` ON `reports` (`case_year`,`case_seq`);--> statement-breakpoint
ALTER TABLE `reward_decisions` ADD `revision` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `must_change_password` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `pending_totp_sealed` blob;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `retired_username` text;