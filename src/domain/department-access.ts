import { atLeast, staffDepartments, type Actor } from './staff.js';

// The one place that decides which departments' complaints a staff member may list and change. Identities stay
// with confidentiality.ts: being allowed to work on a complaint never means being allowed to see who filed it.

export type Viewer = Pick<Actor, 'role' | 'department' | 'departments'>;

/**
 * The departments whose complaints this viewer works on: every one for the citizen office (supervisors, admins)
 * and for agents who belong to no department (the counter), only their own (one or several) for a department's agent.
 */
export function departmentsOf(viewer: Viewer): 'all' | string[] {
  const own = staffDepartments(viewer);
  if (atLeast(viewer.role, 'supervisor') || !own.length) return 'all';
  return own;
}

/** May this viewer open or change a complaint routed to `department`? */
export function mayWorkOn(viewer: Viewer, department: string): boolean {
  const scope = departmentsOf(viewer);
  return scope === 'all' || scope.includes(department);
}

/**
 * What a list asked for by this viewer covers: the department they asked for (refused when it is not theirs),
 * otherwise all of their departments. `undefined` means no department filter at all.
 */
export function listScope(viewer: Viewer, asked?: string): { ok: true; departments?: string[] } | { ok: false } {
  const scope = departmentsOf(viewer);
  if (asked) return mayWorkOn(viewer, asked) ? { ok: true, departments: [asked] } : { ok: false };
  return scope === 'all' ? { ok: true } : { ok: true, departments: scope };
}
