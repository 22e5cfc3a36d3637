// The bare-stack bot `npm run bench -- --baseline` compares Nafidha with: express + mongoose, and per message one
// state read, one state write and one transcript insert (the citizen's line and the reply), then a one-line reply.
// It understands nothing; it is what any bot on this stack costs at least.
import express from 'express';
import { Schema, type Connection } from 'mongoose';

interface StateDoc { _id: string; state: string; updatedAt: Date }
interface LineDoc { conversation: string; from: string; text: string; at: Date }

export function baselineApp(connection: Connection): express.Express {
  const State = connection.model<StateDoc>('BaselineState', new Schema<StateDoc>({ _id: String, state: String, updatedAt: Date }, { versionKey: false, collection: 'baseline_chats' }));
  const Line = connection.model<LineDoc>('BaselineLine', new Schema<LineDoc>({ conversation: String, from: String, text: String, at: Date }, { versionKey: false, collection: 'baseline_messages' }));
  const app = express();
  app.post('/api/messages', express.json({ limit: '64kb' }), async (req, res, next) => {
    try {
      const user = String(req.body?.user ?? '');
      const text = String(req.body?.text ?? '');
      const key = `web:${user}`;
      const doc = await State.findOne({ _id: key }).lean();
      const state = doc ? JSON.parse(doc.state) as { turns: number } : { turns: 0 };
      state.turns++;
      const reply = `message ${state.turns} received`;
      await State.updateOne({ _id: key }, { $set: { state: JSON.stringify(state), updatedAt: new Date() } }, { upsert: true });
      const at = Date.now();
      await Line.insertMany([{ conversation: key, from: 'citizen', text, at: new Date(at) }, { conversation: key, from: 'bot', text: reply, at: new Date(at + 1) }], { lean: true });
      res.json([{ text: reply }]);
    } catch (err) { next(err); }
  });
  return app;
}
