CREATE TABLE `crypto_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`public_key` blob NOT NULL,
	`escrow_sealed_private_key` blob,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` text NOT NULL,
	`status` text NOT NULL,
	`actor` text NOT NULL,
	`sealed_note` blob,
	`created_on` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `report_events_report_idx` ON `report_events` (`report_id`);--> statement-breakpoint
CREATE TABLE `report_files` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`message_id` integer,
	`blob_name` text NOT NULL,
	`sealed_meta` blob NOT NULL,
	`created_on` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`message_id`) REFERENCES `report_messages`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_files_blob_name_unique` ON `report_files` (`blob_name`);--> statement-breakpoint
CREATE INDEX `report_files_report_idx` ON `report_files` (`report_id`);--> statement-breakpoint
CREATE TABLE `report_identities` (
	`report_id` text PRIMARY KEY NOT NULL,
	`sealed_identity` blob NOT NULL,
	`created_on` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `report_key_grants` (
	`report_id` text NOT NULL,
	`recipient` text NOT NULL,
	`sealed_private_key` blob NOT NULL,
	`created_on` text NOT NULL,
	PRIMARY KEY(`report_id`, `recipient`),
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `report_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` text NOT NULL,
	`author` text NOT NULL,
	`sealed_body` blob NOT NULL,
	`created_on` text NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `report_messages_report_idx` ON `report_messages` (`report_id`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`receipt_lookup` text NOT NULL,
	`receipt_salt` blob NOT NULL,
	`category` text NOT NULL,
	`sector` text NOT NULL,
	`township` text NOT NULL,
	`status` text NOT NULL,
	`real_name` integer NOT NULL,
	`created_on` text NOT NULL,
	`updated_on` text NOT NULL,
	`due_on` text NOT NULL,
	`department` text,
	`public_key` blob NOT NULL,
	`sealed_content` blob NOT NULL,
	`reporter_key_box` blob NOT NULL,
	`reward_decision` text,
	`reward_amount_yuan` integer,
	`reward_decided_on` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_receipt_lookup_unique` ON `reports` (`receipt_lookup`);--> statement-breakpoint
CREATE INDEX `reports_status_idx` ON `reports` (`status`);--> statement-breakpoint
CREATE INDEX `reports_created_idx` ON `reports` (`created_on`);