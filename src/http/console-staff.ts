import express, { type Router } from 'express';
import { z } from 'zod';
import { generatePassword, hashPassword, newAccount, ROLES, staffDepartments, staffUsername, type StaffAccount, type StaffStore } from '../domain/staff.js';
import type { AuditLog } from '../domain/audit.js';
import { refuse, staffRoutes } from './staff-route.js';

// Staff accounts managed by admins in the console, as `npm run staff` does: create (a one-time password shown
// once, never stored in the clear), disable or enable, reset a password, set the role and the department. Every
// change is audited; an admin cannot lock themselves out.

export interface StaffAdminDeps {
  staff: StaffStore;
  audit: AuditLog;
  /** Department ids (knowledge/departments.yaml). */
  departments: string[];
}

const Departments = z.array(z.string().max(60)).max(30);
const NewAccount = z.strictObject({ username: z.string().max(64), role: z.enum(ROLES), department: z.string().max(60).optional(), departments: Departments.optional() });
const AccountChange = z.strictObject({
  role: z.enum(ROLES).optional(), disabled: z.boolean().optional(),
  /** '' or null: no department (the counter, the citizen office). */
  department: z.union([z.string().max(60), z.null()]).optional(),
  /** Every department the account works for (staff of several departments); [] for none. */
  departments: Departments.optional(),
}).refine((c) => c.role !== undefined || c.disabled !== undefined || c.department !== undefined || c.departments !== undefined);

/** What the console shows of an account: never its password hash. */
const shown = (a: StaffAccount) => ({
  username: a.username, role: a.role, department: a.department ?? null, departments: staffDepartments(a), disabled: a.disabled,
  mustChangePassword: a.mustChangePassword, createdAt: a.createdAt, lastSignInAt: a.lastSignInAt ?? null,
});

const At = z.union([z.date(), z.string()]);
/** The shape of `shown`: what may leave the server about an account (no hash, ever). */
const AccountView = z.strictObject({
  username: z.string(), role: z.enum(ROLES), department: z.string().nullable(), departments: z.array(z.string()), disabled: z.boolean(),
  mustChangePassword: z.boolean(), createdAt: At, lastSignInAt: At.nullable(),
});
const WithPassword = z.object({ account: AccountView, password: z.string() });
const UsernameParam = z.object({ username: z.string().max(100) });

export function staffAdminApi(deps: StaffAdminDeps): Router {
  const router = express.Router();
  const staffRoute = staffRoutes(deps.staff);
  const audit = (who: string, what: string, target: string, detail?: string) => deps.audit.record({ who, what, target, ...(detail ? { detail } : {}) });
  const knownDepartment = (d: string | null | undefined) => !d || deps.departments.includes(d);
  const unknownDepartment = () => refuse(400, 'unknown-department', { departments: deps.departments });

  router.get('/staff-accounts', ...staffRoute('admin', { output: z.object({ accounts: z.array(AccountView), departments: z.array(z.string()) }) },
    async () => ({ accounts: (await deps.staff.list()).map(shown), departments: deps.departments })));

  router.post('/staff-accounts', ...staffRoute('admin', { body: NewAccount, invalid: 'username-and-role-required', output: WithPassword }, async ({ staff, body }) => {
    const username = staffUsername(body.username);
    if (!username) return refuse(400, 'username-invalid');
    const list = [...new Set([...(body.department ? [body.department] : []), ...(body.departments ?? [])])];
    if (!list.every(knownDepartment)) return unknownDepartment();
    const department = list[0];
    const password = generatePassword();
    const account = { ...await newAccount(username, body.role, password, true, department), ...(list.length > 1 ? { departments: list } : {}) };
    if (await deps.staff.create(account) === 'exists') return refuse(409, 'username-taken');
    await audit(staff.username, 'staff-created', username, [body.role, ...list].join(' '));
    // The only time this password is ever sent: it must be changed at first sign-in.
    return { account: shown(account), password };
  }));

  router.post('/staff-accounts/:username', ...staffRoute('admin', {
    params: UsernameParam, body: AccountChange, invalid: 'expected {role?, disabled?, department?}', output: z.object({ account: AccountView }),
  }, async ({ staff, params, body: change }) => {
    const username = staffUsername(params.username);
    const current = username ? await deps.staff.find(username) : null;
    if (!username || !current) return refuse(404, 'not-found');
    const self = username === staff.username;
    if (self && (change.disabled || (change.role && change.role !== 'admin'))) return refuse(409, 'not-your-own-account');
    if (change.department !== undefined && !knownDepartment(change.department)) return unknownDepartment();
    if (change.departments && !change.departments.every(knownDepartment)) return unknownDepartment();
    const set: Partial<StaffAccount> = { ...(change.role ? { role: change.role } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) };
    let account: StaffAccount | null = current;
    if (Object.keys(set).length) account = await deps.staff.update(username, set);
    if (change.departments) account = await deps.staff.setDepartments(username, [...new Set(change.departments)]);
    else if (change.department !== undefined) account = await deps.staff.setDepartment(username, change.department || undefined);
    if (!account) return refuse(404, 'not-found');
    const who = staff.username;
    if (change.role && change.role !== current.role) await audit(who, 'staff-role', username, change.role);
    if (change.disabled !== undefined && change.disabled !== current.disabled) await audit(who, change.disabled ? 'staff-disabled' : 'staff-enabled', username);
    const before = staffDepartments(current).join(','), after = staffDepartments(account).join(',');
    if (after !== before) await audit(who, 'staff-department', username, after || 'none');
    return { account: shown(account) };
  }));

  router.post('/staff-accounts/:username/reset-password', ...staffRoute('admin', { params: UsernameParam, output: WithPassword }, async ({ staff, params }) => {
    const username = staffUsername(params.username);
    if (!username) return refuse(404, 'not-found');
    if (username === staff.username) return refuse(409, 'not-your-own-account');
    const password = generatePassword();
    const account = await deps.staff.update(username, { passwordHash: await hashPassword(password), mustChangePassword: true });
    if (!account) return refuse(404, 'not-found');
    await audit(staff.username, 'staff-password-reset', username);
    return { account: shown(account), password };
  }));

  return router;
}
