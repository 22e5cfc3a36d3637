/**
 * Who a citizen is on WhatsApp Cloud. Chats started with a phone number stay keyed by it; Meta sends the
 * business-scoped user id (BSUID) beside the number while it can, so the pair is remembered, and a later message
 * with the BSUID alone (the citizen took a username) still finds the same chat. A citizen never seen with a
 * number is keyed by the BSUID itself, which the Graph API accepts as a recipient.
 */
export interface KnownIdentities {
  link(bsuid: string, phone: string): Promise<void>;
  phoneOf(bsuid: string): Promise<string | undefined>;
}

// Meta's form: a two-letter country code, a dot, then letters and digits (parent BSUIDs carry "ENT.").
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export function isBsuid(user: string): boolean {
  return BSUID.test(user);
}

/** Resolves the chat key for a sender; remembers each BSUID–phone pair once per process. */
export function identityResolver(known: KnownIdentities) {
  const linked = new Set<string>();
  return async (phone: string | undefined, bsuid: string | undefined): Promise<string> => {
    if (phone) {
      if (bsuid && !linked.has(bsuid)) {
        await known.link(bsuid, phone);
        linked.add(bsuid);
      }
      return phone;
    }
    if (!bsuid) throw new Error('a WhatsApp sender with neither a phone number nor a BSUID');
    return (await known.phoneOf(bsuid)) ?? bsuid;
  };
}
