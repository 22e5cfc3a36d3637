/** What admins see in the console about the linked WhatsApp phone; mutated in place as the session changes. */
export interface WhatsAppWebStatus {
  state: 'qr' | 'ready' | 'disconnected' | 'logged-out';
  /** The latest QR code to scan, as a data: URL image (only while state is 'qr'). */
  qr?: string;
  /** The linked number, once ready. */
  phone?: string;
  /** When the phone last logged this device out (the console keeps saying so until it is linked again). */
  loggedOutAt?: Date;
  since: Date;
}
