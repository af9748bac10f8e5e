/** Attachments on PostgreSQL are stored as rows of at most this many bytes (blob_chunks). */
export const BLOB_CHUNK_BYTES = 1 << 20;
