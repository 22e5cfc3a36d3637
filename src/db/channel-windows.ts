import { Schema, type Connection, type Model } from 'mongoose';
import type { KnownIdentities } from '../channels/whatsapp-cloud/identity.js';
import type { CustomerServiceWindows } from '../channels/whatsapp-cloud/window.js';

interface ChannelWindowDoc { _id: string; channel: string; user: string; lastInboundAt: Date }

const schema = new Schema<ChannelWindowDoc>({
  _id: String,
  channel: { type: String, required: true },
  user: { type: String, required: true },
  lastInboundAt: { type: Date, required: true },
}, { versionKey: false, collection: 'channelwindows' });

/** When each citizen last wrote on a channel, for WhatsApp's 24-hour customer-service window. */
export class MongoChannelWindows implements CustomerServiceWindows {
  private readonly model: Model<ChannelWindowDoc>;

  constructor(connection: Connection, private readonly channel = 'whatsapp-cloud') {
    this.model = connection.models.ChannelWindow ?? connection.model<ChannelWindowDoc>('ChannelWindow', schema);
  }

  async touch(user: string, at: Date): Promise<void> {
    // $max: a late redelivery of an old message must not reopen a closed window.
    await this.model.updateOne({ _id: `${this.channel}:${user}` },
      { $max: { lastInboundAt: at }, $setOnInsert: { channel: this.channel, user } }, { upsert: true });
  }

  async lastInbound(user: string): Promise<Date | undefined> {
    const doc = await this.model.findById(`${this.channel}:${user}`).lean();
    return doc?.lastInboundAt;
  }
}

interface CloudIdentityDoc { _id: string; phone: string; linkedAt: Date }

const identitySchema = new Schema<CloudIdentityDoc>({
  _id: String,
  phone: { type: String, required: true },
  linkedAt: { type: Date, required: true },
}, { versionKey: false, collection: 'channelidentities' });

/** Which phone number a WhatsApp business-scoped user id came with, so a username-only message finds its chat. */
export class MongoCloudIdentities implements KnownIdentities {
  private readonly model: Model<CloudIdentityDoc>;

  constructor(connection: Connection) {
    this.model = connection.models.CloudIdentity ?? connection.model<CloudIdentityDoc>('CloudIdentity', identitySchema);
  }

  async link(bsuid: string, phone: string): Promise<void> {
    await this.model.updateOne({ _id: bsuid }, { $set: { phone, linkedAt: new Date() } }, { upsert: true });
  }

  async phoneOf(bsuid: string): Promise<string | undefined> {
    return (await this.model.findById(bsuid).lean())?.phone;
  }
}
