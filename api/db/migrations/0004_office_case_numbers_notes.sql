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
ALTER TABLE `report_events` ADD `staff_id` text;--> statement-breakpoint
ALTER TABLE `report_events` ADD `message_id` integer;--> statement-breakpoint
ALTER TABLE `report_files` ADD `uploaded_by` text;--> statement-breakpoint
ALTER TABLE `report_messages` ADD `staff_id` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `case_year` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `case_seq` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `reports_case_number_idx` ON `reports` (`case_year`,`case_seq`);--> statement-breakpoint
ALTER TABLE `reward_decisions` ADD `revision` integer DEFAULT 1 NOT NULL;