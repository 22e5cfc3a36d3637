/** One staff action: who did what, when, to which record. Written for every console action. */
export interface AuditEntry {
  who: string;
  what: string;
  when: Date;
  /** The record acted on: a handoff id, a tracking code, a username. */
  target?: string;
  detail?: string;
}

/** The audit log port: every staff action and every look at a confidential record is written here. */
export interface AuditLog {
  record(entry: { who: string; what: string; target?: string; detail?: string }): Promise<void>;
  list(filter?: { who?: string; what?: string; target?: string }, limit?: number): Promise<AuditEntry[]>;
}
