import path from 'node:path';

// Environment → typed config. Every value has an embedded default so `npm start` needs nothing.
export interface Config {
  port: number;
  host: string;
  mongodbUri: string | undefined;
  dataDir: string;
  knowledgeDir: string;
  intentsDir: string;
  sessionSecret: string | undefined;
  publicUrl: string | undefined;
  telegram: { token?: string; apiRoot?: string; webhookSecret?: string };
  whatsappWeb: boolean;
  whatsappCloud: { token?: string; phoneNumberId?: string; appSecret?: string; verifyToken?: string; graphRoot?: string; apiVersion?: string; template?: string };
  open311Keys: string[];
  /** Websites that may embed the web chat (widget.js); none but this server when empty. */
  webchatEmbedOrigins?: string[];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const root = process.cwd();
  const port = Number(env.PORT ?? 3000);
  // Unset: the channel's current default (src/channels/whatsapp-cloud/graph.ts).
  const apiVersion = env.WHATSAPP_CLOUD_API_VERSION || undefined;
  if (apiVersion && !/^v\d+\.\d+$/.test(apiVersion)) throw new Error(`WHATSAPP_CLOUD_API_VERSION must look like v26.0, got "${apiVersion}"`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    mongodbUri: env.MONGODB_URI || undefined,
    dataDir: path.resolve(root, env.DATA_DIR ?? '.data'),
    knowledgeDir: path.resolve(root, env.KNOWLEDGE_DIR ?? 'knowledge'),
    intentsDir: path.resolve(root, env.INTENTS_DIR ?? 'intents'),
    sessionSecret: env.SESSION_SECRET || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    telegram: { token: env.TELEGRAM_TOKEN || undefined, apiRoot: env.TELEGRAM_API_ROOT || undefined, webhookSecret: env.TELEGRAM_WEBHOOK_SECRET || undefined },
    whatsappWeb: env.WHATSAPP_WEB === '1',
    whatsappCloud: {
      token: env.WHATSAPP_CLOUD_TOKEN || undefined,
      phoneNumberId: env.WHATSAPP_CLOUD_PHONE_NUMBER_ID || undefined,
      appSecret: env.WHATSAPP_CLOUD_APP_SECRET || undefined,
      verifyToken: env.WHATSAPP_CLOUD_VERIFY_TOKEN || undefined,
      graphRoot: env.WHATSAPP_CLOUD_GRAPH_ROOT || undefined,
      apiVersion,
      template: env.WHATSAPP_CLOUD_TEMPLATE || undefined,
    },
    open311Keys: (env.OPEN311_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    webchatEmbedOrigins: embedOrigins(env.WEBCHAT_EMBED_ORIGINS),
  };
}

/** WEBCHAT_EMBED_ORIGINS: origins (https://www.example.gov.ly), comma- or space-separated, or * for any website. */
function embedOrigins(value: string | undefined): string[] {
  const list = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const o of list) if (o !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(o)) throw new Error(`WEBCHAT_EMBED_ORIGINS: "${o}" is not an origin like https://www.example.gov.ly`);
  return list;
}
