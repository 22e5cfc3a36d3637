import type { Complaint } from '../../src/domain/complaints.js';
import { newTrackingCode } from '../../src/domain/tracking-code.js';

/** A stored-shape anonymous complaint, for tests that put many (or old) complaints straight into the database. */
export function storedComplaint(o: { createdAt: Date; deadline: Date; status?: Complaint['status']; category?: string; department?: string; photos?: string[]; location?: Complaint['location'] }): Complaint {
  const status = o.status ?? 'received';
  return {
    code: newTrackingCode('complaint'), category: o.category ?? 'sewage', department: o.department ?? 'water-sewage', description: 'stored for a test',
    photos: o.photos ?? [], ...(o.location ? { location: o.location } : {}), privacy: 'anonymous', consentToContact: false, lang: 'ar', status,
    createdAt: o.createdAt, updatedAt: o.createdAt, deadline: o.deadline, history: [{ at: o.createdAt, by: 'citizen', status }],
    flaggedForSupervisor: false, via: 'web', idempotencyKey: `stored:${Math.random()}:${Date.now()}`,
  };
}
