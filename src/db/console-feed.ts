import type { Connection } from 'mongoose';
import type { TranscriptEntry } from '../domain/transcript.js';

/**
 * What the console's live feed reads: transcript lines of open conversations written since a moment. Each server
 * instance polls this (one query per tick, whatever the number of staff watching), so lines written by any
 * instance reach every console. Uses the transcript's {conversation, at} index.
 */
export class MongoConsoleFeed {
  constructor(private readonly connection: Connection) {}

  async linesSince(conversations: string[], since: Date, limit = 500): Promise<TranscriptEntry[]> {
    if (!conversations.length) return [];
    const docs = await this.connection.collection('messages')
      .find({ conversation: { $in: conversations }, at: { $gte: since } })
      .sort({ at: 1, _id: 1 }).limit(limit).toArray();
    return docs.map(({ _id, ...rest }) => ({ ...(rest as unknown as TranscriptEntry), id: String(_id) }));
  }
}
