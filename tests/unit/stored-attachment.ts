/** Opens stored attachments the way only a key holder can: recovery key → intake key → report key → file key. */
import { decryptFile, open, openJson } from '../../api/crypto/index.ts';
import type { Db } from '../../api/db/client.ts';
import type { BlobStore } from '../../api/services/blob-store.ts';
import { unlockWithRecoveryKey } from '../../api/services/keys.ts';

export interface StoredFile {
  id: string;
  blobName: string;
  meta: { key: string; name: string; mime: string; kind: string; size: number; removed: string[] };
  plaintext: Buffer;
}

/** Every attachment of a report (submission and messages), decrypted in the test. */
export function decryptAttachments(db: Db, store: BlobStore, recoveryKey: string, reportId: string): StoredFile[] {
  const { intakePrivateKey } = unlockWithRecoveryKey(db, recoveryKey);
  const sqlite = db.$client;
  const grant = sqlite.prepare("select sealed_private_key as k from report_key_grants where report_id = ? and recipient = 'intake'").get(reportId) as { k: Buffer };
  const reportKey = open(intakePrivateKey, grant.k);
  const rows = sqlite.prepare('select id, blob_name as blobName, sealed_meta as sealedMeta from report_files where report_id = ? order by rowid').all(reportId) as { id: string; blobName: string; sealedMeta: Buffer }[];
  return rows.map((r) => {
    const meta = openJson<StoredFile['meta']>(reportKey, r.sealedMeta);
    return { id: r.id, blobName: r.blobName, meta, plaintext: decryptFile(Buffer.from(meta.key, 'base64'), store.read(r.blobName)) };
  });
}
