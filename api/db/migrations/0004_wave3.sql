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
ALTER TABLE `staff_users` ADD `must_change_password` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `pending_totp_sealed` blob;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `retired_username` text;