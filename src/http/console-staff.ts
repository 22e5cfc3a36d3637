import express, { type Router } from 'express';
import { z } from 'zod';
import { generatePassword, hashPassword, newAccount, ROLES, staffDepartments, staffUsername, type StaffAccount, type StaffStore } from '../domain/staff.js';
import { requireStaff } from './auth.js';
import { route, type AuditLog } from './console-api.js';
import { parseBody } from './input.js';

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

export function staffAdminApi(deps: StaffAdminDeps): Router {
  const router = express.Router();
  const admin = requireStaff(deps.staff, 'admin');
  const audit = (who: string, what: string, target: string, detail?: string) => deps.audit.record({ who, what, target, ...(detail ? { detail } : {}) });
  const knownDepartment = (d: string | null | undefined) => !d || deps.departments.includes(d);

  router.get('/staff-accounts', admin, route(async (_req, res) => {
    res.json({ accounts: (await deps.staff.list()).map(shown), departments: deps.departments });
  }));

  router.post('/staff-accounts', admin, route(async (req, res) => {
    const body = parseBody(NewAccount, req, res, 'username-and-role-required');
    if (!body) return;
    const username = staffUsername(body.username);
    if (!username) { res.status(400).json({ error: 'username-invalid' }); return; }
    const list = [...new Set([...(body.department ? [body.department] : []), ...(body.departments ?? [])])];
    if (!list.every(knownDepartment)) { res.status(400).json({ error: 'unknown-department', departments: deps.departments }); return; }
    const department = list[0];
    const password = generatePassword();
    const account = { ...await newAccount(username, body.role, password, true, department), ...(list.length > 1 ? { departments: list } : {}) };
    if (await deps.staff.create(account) === 'exists') { res.status(409).json({ error: 'username-taken' }); return; }
    await audit(req.staff!.username, 'staff-created', username, [body.role, ...list].join(' '));
    // The only time this password is ever sent: it must be changed at first sign-in.
    res.json({ account: shown(account), password });
  }));

  router.post('/staff-accounts/:username', admin, route(async (req, res) => {
    const change = parseBody(AccountChange, req, res, 'expected {role?, disabled?, department?}');
    if (!change) return;
    const username = staffUsername(String(req.params.username));
    const current = username ? await deps.staff.find(username) : null;
    if (!username || !current) { res.status(404).json({ error: 'not-found' }); return; }
    const self = username === req.staff!.username;
    if (self && (change.disabled || (change.role && change.role !== 'admin'))) { res.status(409).json({ error: 'not-your-own-account' }); return; }
    if (change.department !== undefined && !knownDepartment(change.department)) { res.status(400).json({ error: 'unknown-department', departments: deps.departments }); return; }
    if (change.departments && !change.departments.every(knownDepartment)) { res.status(400).json({ error: 'unknown-department', departments: deps.departments }); return; }
    const set: Partial<StaffAccount> = { ...(change.role ? { role: change.role } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) };
    let account: StaffAccount | null = current;
    if (Object.keys(set).length) account = await deps.staff.update(username, set);
    if (change.departments) account = await deps.staff.setDepartments(username, [...new Set(change.departments)]);
    else if (change.department !== undefined) account = await deps.staff.setDepartment(username, change.department || undefined);
    if (!account) { res.status(404).json({ error: 'not-found' }); return; }
    const who = req.staff!.username;
    if (change.role && change.role !== current.role) await audit(who, 'staff-role', username, change.role);
    if (change.disabled !== undefined && change.disabled !== current.disabled) await audit(who, change.disabled ? 'staff-disabled' : 'staff-enabled', username);
    const before = staffDepartments(current).join(','), after = account ? staffDepartments(account).join(',') : before;
    if (after !== before) await audit(who, 'staff-department', username, after || 'none');
    res.json({ account: shown(account) });
  }));

  router.post('/staff-accounts/:username/reset-password', admin, route(async (req, res) => {
    const username = staffUsername(String(req.params.username));
    if (!username || username === req.staff!.username) { res.status(username ? 409 : 404).json({ error: username ? 'not-your-own-account' : 'not-found' }); return; }
    const password = generatePassword();
    const account = await deps.staff.update(username, { passwordHash: await hashPassword(password), mustChangePassword: true });
    if (!account) { res.status(404).json({ error: 'not-found' }); return; }
    await audit(req.staff!.username, 'staff-password-reset', username);
    res.json({ account: shown(account), password });
  }));

  return router;
}
