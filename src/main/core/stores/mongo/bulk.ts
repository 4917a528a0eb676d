import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import { chunks } from '../batches';

/** Documents per insertMany call: well under the 48 MB message limit for our documents. */
const BATCH = 1000;
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

function onlyDuplicates(err: MongoBulkWriteError): boolean {
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY);
}

/**
 * Inserts what is new and skips what exists (unordered, so one duplicate doesn't stop the
 * batch). Returns how many documents were new, which is what the seeder reports.
 */
export async function insertNew<T extends Document>(collection: Collection<T>, docs: OptionalUnlessRequiredId<T>[]): Promise<number> {
  let inserted = 0;
  for (const batch of chunks(docs, BATCH)) {
    try {
      inserted += (await collection.insertMany(batch, { ordered: false })).insertedCount;
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError) || !onlyDuplicates(err)) throw err;
      inserted += err.insertedCount;
    }
  }
  return inserted;
}
