CREATE TABLE `blob_chunks` (
	`name` text NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`name`, `seq`)
);
