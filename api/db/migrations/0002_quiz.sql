CREATE TABLE `quiz_certificates` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`title` text NOT NULL,
	`correct` integer NOT NULL,
	`total` integer NOT NULL,
	`score` integer NOT NULL,
	`issued_on` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `quiz_class_answers` (
	`player_id` integer NOT NULL,
	`question_index` integer NOT NULL,
	`choice` text NOT NULL,
	`correct` integer NOT NULL,
	PRIMARY KEY(`player_id`, `question_index`),
	FOREIGN KEY (`player_id`) REFERENCES `quiz_class_players`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `quiz_class_players` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`nickname` text NOT NULL,
	`joined_at` text NOT NULL,
	`finished_at` text,
	`correct` integer,
	`removed` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `quiz_class_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quiz_class_players_token_hash_unique` ON `quiz_class_players` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `quiz_class_players_nickname` ON `quiz_class_players` (`session_id`,`nickname`);--> statement-breakpoint
CREATE TABLE `quiz_class_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`join_code` text NOT NULL,
	`teacher_key_hash` text NOT NULL,
	`school` text NOT NULL,
	`class_name` text NOT NULL,
	`audience` text NOT NULL,
	`topic` text,
	`draw` text NOT NULL,
	`time_limit_minutes` integer,
	`closed` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`delete_after` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `quiz_class_sessions_teacher_key_hash_unique` ON `quiz_class_sessions` (`teacher_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `quiz_class_sessions_join_code` ON `quiz_class_sessions` (`join_code`);--> statement-breakpoint
CREATE INDEX `quiz_class_sessions_delete_after` ON `quiz_class_sessions` (`delete_after`);--> statement-breakpoint
CREATE TABLE `quiz_exams` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`audience` text NOT NULL,
	`topic` text,
	`draw` text NOT NULL,
	`created_at` text NOT NULL
);
