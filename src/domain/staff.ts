import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Staff accounts for the console. Passwords are kept only as scrypt hashes with a random salt per account.

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Supervisors and admins form the citizen office: they may see who filed a confidential complaint. */
export function atLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface StaffAccount {
  username: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
  passwordHash: string;
  disabled: boolean;
  /** Set for generated passwords (the first admin's, the CLI's): the console asks for a new one first. */
  mustChangePassword: boolean;
  department?: string;
  /** Every department the account works for, `department` first; absent on accounts made with one. */
  departments?: string[];
  createdAt: Date;
  lastSignInAt?: Date;
}

/** Who did something in the console; every staff action is recorded with it. */
export interface Actor {
  username: string; role: Role;
  /** The department the account works for; none for the citizen office and the counter. */
  department?: string;
  /** All of the departments it works for when it belongs to several (staffDepartments). */
  departments?: string[];
}

/** The departments an account (or actor) works for: the list, or the one department of older accounts. */
export function staffDepartments(a: Pick<StaffAccount, 'department' | 'departments'>): string[] {
  return [...new Set([...(a.department ? [a.department] : []), ...(a.departments ?? [])])];
}

export interface StaffStore {
  /** 'exists' when the username is taken (two server instances may race to create the first admin). */
  create(account: StaffAccount): Promise<'created' | 'exists'>;
  find(username: string): Promise<StaffAccount | null>;
  count(): Promise<number>;
  list(): Promise<StaffAccount[]>;
  update(username: string, set: Partial<Omit<StaffAccount, 'username' | 'createdAt'>>): Promise<StaffAccount | null>;
  /** Sets the account's department, or removes it (undefined): `update` cannot unset a field. */
  setDepartment(username: string, department: string | undefined): Promise<StaffAccount | null>;
  /** Sets every department the account works for (the first is its `department`); [] removes them. */
  setDepartments(username: string, departments: string[]): Promise<StaffAccount | null>;
}

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/**
 * The one spelling of a typed username, used to find the account and to count sign-in attempts: width forms
 * folded (NFKC), invisible and control characters dropped, spaces around it trimmed, lower case. Anything that is
 * not a valid username after that is undefined, so no trick reaches an account under a second spelling.
 */
export function staffUsername(typed: string): string | undefined {
  const name = typed.normalize('NFKC').replace(/[\p{Cc}\p{Cf}]/gu, (c) => (/\s/.test(c) ? ' ' : '')).trim().toLowerCase();
  return USERNAME.test(name) ? name : undefined;
}

export const MIN_PASSWORD = 10;

const N = 16384, R = 8, P = 1, KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password a person can read out and type: 16 characters without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

export async function newAccount(username: string, role: Role, password: string, mustChangePassword: boolean, department?: string): Promise<StaffAccount> {
  return { username, role, passwordHash: await hashPassword(password), disabled: false, mustChangePassword, createdAt: new Date(), ...(department ? { department } : {}) };
}

/** On the first start with no accounts: an `admin` with a one-time password, to be printed once. */
export async function ensureFirstAdmin(store: StaffStore, log: (line: string) => void): Promise<void> {
  if (await store.count() > 0) return;
  const password = generatePassword();
  if (await store.create(await newAccount('admin', 'admin', password, true)) === 'created') {
    log(`console: no staff accounts yet; created "admin" with the one-time password ${password} (it must be changed at first sign-in)`);
  }
}
