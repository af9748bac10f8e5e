CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`report_id` text,
	`detail` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `case_assignments` (
	`report_id` text NOT NULL,
	`department` text NOT NULL,
	`assigned_on` text NOT NULL,
	PRIMARY KEY(`report_id`, `department`),
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_assignments_dept_idx` ON `case_assignments` (`department`);--> statement-breakpoint
CREATE TABLE `case_tracking` (
	`report_id` text PRIMARY KEY NOT NULL,
	`accept_due_on` text NOT NULL,
	`accepted_on` text,
	`substantiated` integer,
	`rectify_due_on` text,
	`extension_days` integer,
	`closed_on` text,
	`purged_on` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `identity_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`requester_id` text NOT NULL,
	`sealed_reason` blob NOT NULL,
	`custodian_sealed_reason` blob NOT NULL,
	`status` text NOT NULL,
	`decider_id` text,
	`sealed_for_requester` blob,
	`created_at` text NOT NULL,
	`decided_at` text,
	`viewed_at` text,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requester_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decider_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `reward_decisions` (
	`report_id` text PRIMARY KEY NOT NULL,
	`rule_set` text NOT NULL,
	`basis` text NOT NULL,
	`decided_by` text NOT NULL,
	`decided_on` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`decided_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `staff_key_grants` (
	`user_id` text NOT NULL,
	`key_id` text NOT NULL,
	`sealed_private_key` blob NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `key_id`),
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`key_box` blob NOT NULL,
	`created_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_user_id_unique` ON `staff_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`department` text,
	`password_hash` text NOT NULL,
	`public_key` blob NOT NULL,
	`password_boxed_private_key` blob NOT NULL,
	`escrow_sealed_private_key` blob NOT NULL,
	`totp_box` blob NOT NULL,
	`totp_last_step` integer DEFAULT 0 NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_username_unique` ON `staff_users` (`username`);