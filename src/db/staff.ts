import { Schema, type Connection, type Model } from 'mongoose';
import { ROLES, type StaffAccount, type StaffStore } from '../domain/staff.js';
import { isDuplicateKey, withoutId } from './duplicate-key.js';

const schema = new Schema<StaffAccount>({
  username: { type: String, required: true, unique: true },
  role: { type: String, required: true, enum: ROLES },
  passwordHash: { type: String, required: true },
  disabled: { type: Boolean, default: false },
  mustChangePassword: { type: Boolean, default: false },
  department: String,
  departments: { type: [String], default: undefined },
  createdAt: { type: Date, required: true },
  lastSignInAt: Date,
}, { versionKey: false, collection: 'staff' });

export class MongoStaffStore implements StaffStore {
  private readonly model: Model<StaffAccount>;
  private readonly ready: Promise<unknown>;

  constructor(connection: Connection) {
    this.model = connection.models.Staff ?? connection.model<StaffAccount>('Staff', schema);
    this.ready = this.model.init();
  }

  async create(account: StaffAccount): Promise<'created' | 'exists'> {
    await this.ready;
    try {
      await this.model.create(account);
      return 'created';
    } catch (err) {
      if (isDuplicateKey(err)) return 'exists';
      throw err;
    }
  }

  async find(username: string): Promise<StaffAccount | null> {
    const doc = await this.model.findOne({ username }).lean<StaffAccount>();
    return doc && withoutId(doc);
  }

  async count(): Promise<number> {
    return this.model.countDocuments({});
  }

  async list(): Promise<StaffAccount[]> {
    const docs = await this.model.find({}).sort({ username: 1 }).limit(1000).lean<StaffAccount[]>();
    return docs.map(withoutId);
  }

  async update(username: string, set: Partial<Omit<StaffAccount, 'username' | 'createdAt'>>): Promise<StaffAccount | null> {
    const doc = await this.model.findOneAndUpdate({ username }, { $set: set }, { returnDocument: 'after' }).lean<StaffAccount>();
    return doc && withoutId(doc);
  }

  async setDepartments(username: string, departments: string[]): Promise<StaffAccount | null> {
    const change = departments.length ? { $set: { department: departments[0], departments } } : { $unset: { department: 1, departments: 1 } };
    const doc = await this.model.findOneAndUpdate({ username }, change, { returnDocument: 'after' }).lean<StaffAccount>();
    return doc && withoutId(doc);
  }

  async setDepartment(username: string, department: string | undefined): Promise<StaffAccount | null> {
    const change = department ? { $set: { department }, $unset: { departments: 1 } } : { $unset: { department: 1, departments: 1 } };
    const doc = await this.model.findOneAndUpdate({ username }, change, { returnDocument: 'after' }).lean<StaffAccount>();
    return doc && withoutId(doc);
  }
}
