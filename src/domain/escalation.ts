import type { ComplaintStore } from './complaints.js';

// Deadlines that escalate: a complaint still open after its deadline is flagged for the citizen office and its
// department is alerted, once. Several server instances run the same job; the alert's unique key decides which
// one alerts, and flagging twice changes nothing.

export interface OverdueAlert {
  /** `overdue:<code>`: unique, so a complaint is alerted once whichever instance sees it first. */
  key: string;
  code: string;
  department: string;
  deadline: Date;
  at: Date;
}

export interface AlertStore {
  insertOnce(alert: OverdueAlert): Promise<'inserted' | 'exists'>;
  find(key: string): Promise<OverdueAlert | null>;
  /** Newest first; only these departments when given (a department's staff), all otherwise (the office). */
  list(q: { departments?: string[]; /** Only alerts raised after this moment. */ since?: Date; limit: number }): Promise<{ total: number; alerts: OverdueAlert[] }>;
}

export interface EscalationDeps {
  complaints: Pick<ComplaintStore, 'list' | 'update'>;
  alerts: AlertStore;
  /** Every department id: the job reads each department's queue of passed deadlines. */
  departments: string[];
  now?: () => Date;
}

/** How many overdue complaints one run handles; the next run takes the rest. */
const BATCH = 100;
/** An alert this old whose complaint is still unflagged was left by an instance that stopped mid-way. */
const UNFINISHED_MS = 2 * 60_000;

/** One pass: every open complaint past its deadline and not escalated yet is alerted and flagged. Returns how many were newly alerted. */
export async function escalateOverdue(deps: EscalationDeps): Promise<number> {
  const now = (deps.now ?? (() => new Date()))();
  const { items } = await deps.complaints.list({ departments: deps.departments, overdueAt: now, notEscalated: true, sort: 'deadline', skip: 0, limit: BATCH });
  let alerted = 0;
  for (const c of items) {
    const outcome = await deps.alerts.insertOnce({ key: `overdue:${c.code}`, code: c.code, department: c.department, deadline: c.deadline, at: now });
    if (outcome === 'inserted') alerted++;
    else {
      // Another instance alerted it and is flagging it now; only an alert left unfinished long ago is finished here.
      const existing = await deps.alerts.find(`overdue:${c.code}`);
      if (existing && now.getTime() - existing.at.getTime() < UNFINISHED_MS) continue;
    }
    await deps.complaints.update(c.code, {}, {
      set: { flaggedForSupervisor: true, escalatedAt: now, updatedAt: now },
      push: { at: now, by: 'system', note: 'deadline passed: escalated to the department and the citizen office' },
    });
  }
  return alerted;
}
