/** Opens stored attachments the way only a key holder can: recovery key → intake key → report key → file key. */
import { sql } from 'drizzle-orm';
import { decryptFile, open, openJson } from '../../api/crypto/index.ts';
import { row, rows, type Db } from '../../api/db/client.ts';
import type { BlobStore } from '../../api/services/blob-store.ts';
import { unlockWithRecoveryKey } from '../../api/services/keys.ts';

export interface StoredFile {
  id: string;
  blobName: string;
  meta: { key: string; name: string; mime: string; kind: string; size: number; removed: string[] };
  plaintext: Buffer;
}

/** Every attachment of a report (submission and messages), decrypted in the test. */
export async function decryptAttachments(db: Db, store: BlobStore, recoveryKey: string, reportId: string): Promise<StoredFile[]> {
  const { intakePrivateKey } = await unlockWithRecoveryKey(db, recoveryKey);
  const grant = await row<{ k: Buffer }>(db, sql`select sealed_private_key as k from report_key_grants where report_id = ${reportId} and recipient = 'intake'`);
  const reportKey = open(intakePrivateKey, Buffer.from(grant!.k));
  const files = await rows<{ id: string; blobName: string; sealedMeta: Buffer }>(
    db,
    sql`select id, blob_name as "blobName", sealed_meta as "sealedMeta" from report_files where report_id = ${reportId} order by rowid`,
  );
  return Promise.all(
    files.map(async (r) => {
      const meta = openJson<StoredFile['meta']>(reportKey, Buffer.from(r.sealedMeta));
      return { id: r.id, blobName: r.blobName, meta, plaintext: decryptFile(Buffer.from(meta.key, 'base64'), await store.read(r.blobName)) };
    }),
  );
}
