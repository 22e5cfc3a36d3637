import type { Connection, mongo } from 'mongoose';
import { digestKey, type DepartmentDigest, type DigestStore } from '../domain/digest.js';
import { isDuplicateKey } from './duplicate-key.js';
import { retryTransient } from './transient.js';

/** Daily department digests, keyed by `_id` = digest|department|day: the one insert of the day wins on every instance. */
export class MongoDigestStore implements DigestStore {
  private readonly docs: mongo.Collection;

  constructor(connection: Connection) {
    this.docs = connection.collection('department_digests');
  }

  async insertOnce(d: DepartmentDigest): Promise<'inserted' | 'exists'> {
    try {
      await retryTransient(() => this.docs.insertOne({ _id: d.key as never, ...d }));
      return 'inserted';
    } catch (err) {
      if (isDuplicateKey(err)) return 'exists';
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return !!(await this.docs.findOne({ _id: key as never }, { projection: { _id: 1 } }));
  }

  async latest(departments: string[], day: string): Promise<DepartmentDigest[]> {
    const docs = await Promise.all(departments.map((d) => this.docs.findOne({ _id: digestKey(d, day) as never })));
    return docs.filter((d) => !!d).map(({ _id, ...rest }) => rest as unknown as DepartmentDigest);
  }
}
