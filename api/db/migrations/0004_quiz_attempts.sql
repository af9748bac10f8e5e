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
ALTER TABLE `quiz_exams` ADD `attempt` integer;