/** A message WhatsApp Cloud had to send as the approved template, because the 24-hour window was closed. */
export interface TemplateDelivery {
  channel: 'whatsapp-cloud';
  user: string;
  template: string;
  messageIds: string[];
  at: Date;
}
