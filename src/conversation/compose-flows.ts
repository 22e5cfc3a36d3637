import type { Flows } from './respond.js';

/**
 * Features plug into the conversation as a list, in order: the first that relays, recovers or resumes a message
 * answers it; "cancel" reaches every one (any may have had something going on); a starter comes from whichever
 * feature provides it.
 */
export function composeFlows(list: readonly Flows[]): Flows {
  const first = <K extends 'relay' | 'resume' | 'recover' | 'media'>(hook: K): Flows[K] => {
    const hooks = list.map((f) => f[hook]).filter((h) => !!h);
    if (!hooks.length) return undefined;
    return (async (turn) => {
      for (const h of hooks) {
        const replies = await h!(turn);
        if (replies) return replies;
      }
      return undefined;
    }) as Flows[K];
  };
  const cancels = list.map((f) => f.cancel).filter((c) => !!c);
  const starter = <K extends 'complaint' | 'suggestion' | 'status' | 'booking' | 'handoff'>(name: K): Flows[K] => list.map((f) => f[name]).filter((s) => !!s).at(-1);
  return {
    media: first('media'),
    relay: first('relay'),
    recover: first('recover'),
    resume: first('resume'),
    cancel: cancels.length ? async (turn) => {
      let had = false;
      for (const c of cancels) had = (await c!(turn)) || had;
      return had;
    } : undefined,
    complaint: starter('complaint'),
    suggestion: starter('suggestion'),
    status: starter('status'),
    booking: starter('booking'),
    handoff: starter('handoff'),
  };
}
