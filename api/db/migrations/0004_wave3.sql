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
CREATE TABLE `quiz_exam_attempts` (
	`name_key` text NOT NULL,
	`set_key` text NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`name_key`, `set_key`, `day`)
);
--> statement-breakpoint
ALTER TABLE `quiz_certificates` ADD `attempt` integer;--> statement-breakpoint
ALTER TABLE `quiz_exams` ADD `name` text;--> statement-breakpoint
ALTER TABLE `quiz_exams` ADD `attempt` integer;--> statement-breakpoint
ALTER TABLE `report_events` ADD `staff_id` text;--> statement-breakpoint
ALTER TABLE `report_events` ADD `message_id` integer;--> statement-breakpoint
ALTER TABLE `report_files` ADD `uploaded_by` text;--> statement-breakpoint
ALTER TABLE `report_messages` ADD `staff_id` text;--> statement-breakpoint
ALTER TABLE `reports` ADD `case_year` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `case_seq` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `reports_case_number_idx` ON `reports` (`case_year`,`case_seq`);--> statement-breakpoint
ALTER TABLE `reward_decisions` ADD `revision` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `must_change_password` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `pending_totp_sealed` blob;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `retired_username` text;