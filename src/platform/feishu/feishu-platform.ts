import * as lark from '@larksuiteoapi/node-sdk';
import axios from 'axios';
import type { Logger } from '../../logger';
import type { Readable } from 'node:stream';
import { BotIdentity, ChatPlatform, OutboundMessage, PlatformError, ResourceTooLargeError, SendResult } from '../port';
import { classifyFeishuError, fromFeishuCode } from './errors';
import { FeishuCalendar } from './feishu-calendar';

export interface FeishuPlatformOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
}

interface FeishuAnswer {
  code?: number;
  msg?: string;
  data?: Record<string, any>;
  bot?: { open_id?: string; app_name?: string };
}

/** msg_type and content (a JSON string) as the message APIs want them (FEISHU.md §5.1). */
export function toFeishuContent(message: Exclude<OutboundMessage, { type: 'forward' }>): { msg_type: string; content: string } {
  switch (message.type) {
    case 'text':
      return { msg_type: 'text', content: JSON.stringify({ text: message.text }) };
    case 'card':
      return { msg_type: 'interactive', content: JSON.stringify(message.card) };
    case 'image':
      return { msg_type: 'image', content: JSON.stringify({ image_key: message.imageKey }) };
    case 'file':
      return { msg_type: 'file', content: JSON.stringify({ file_key: message.fileKey }) };
  }
}

/**
 * The SDK logs whole axios errors, request headers and bearer token included. This logger
 * passes on only what is safe to keep.
 */
export function sdkLogger(logger: Logger) {
  const safe = (args: unknown[]) =>
    args.map((a) => {
      if (axios.isAxiosError(a)) return { error: a.message, status: a.response?.status, code: (a.response?.data as any)?.code };
      if (Array.isArray(a)) return a.map((x) => (typeof x === 'string' ? x : '[object]')).join(' ');
      return typeof a === 'string' ? a : '[object]';
    });
  const log = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (...args: unknown[]) =>
    logger[level]({ sdk: safe(args) }, 'feishu sdk');
  return { error: log('error'), warn: log('warn'), info: log('debug'), debug: log('trace'), trace: log('trace') };
}

type SdkHttpInstance = NonNullable<ConstructorParameters<typeof lark.Client>[0]['httpInstance']>;

/** An axios instance with a timeout; the SDK's default one waits forever on a hung connection. */
export function createHttp(timeoutMs: number): SdkHttpInstance {
  const http = axios.create({ timeout: timeoutMs });
  // The SDK expects its http instance to resolve with the body, as its default one does.
  http.interceptors.response.use((res) => (res.config as any)['$return_headers'] ? { data: res.data, headers: res.headers } : res.data);
  return http as unknown as SdkHttpInstance;
}

/** The SDK's client for one app, with our HTTP timeouts and logger (the messages, Bitable and calendar APIs). */
export function createLarkClient(opts: FeishuPlatformOptions): lark.Client {
  return new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.baseUrl,
    // A private token cache: the SDK's default one is process-global.
    cache: new lark.DefaultCache(),
    httpInstance: createHttp(opts.timeoutMs),
    logger: sdkLogger(opts.logger),
    loggerLevel: lark.LoggerLevel.warn,
  });
}

export class FeishuPlatform implements ChatPlatform {
  readonly name = 'feishu';
  private readonly client: lark.Client;
  private identity: Promise<BotIdentity> | undefined;

  constructor(opts: FeishuPlatformOptions) {
    this.client = createLarkClient(opts);
  }

  /** The calendar APIs over the same client and token (issue 13 item 5). */
  calendar(): FeishuCalendar {
    return new FeishuCalendar(this.client);
  }

  sendToChat(chatId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult> {
    return this.create('chat_id', chatId, message, idempotencyKey);
  }

  sendToUser(openId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult> {
    return this.create('open_id', openId, message, idempotencyKey);
  }

  async reply(messageId: string, message: OutboundMessage, idempotencyKey: string): Promise<SendResult> {
    if (message.type === 'forward') throw new PlatformError('a forward cannot be a reply', { retryable: false });
    const res = await this.call(() =>
      this.client.im.v1.message.reply({
        path: { message_id: messageId },
        data: { ...toFeishuContent(message), uuid: idempotencyKey },
      }),
    );
    return { messageId: String(res.data?.message_id ?? '') };
  }

  async updateCard(messageId: string, card: Record<string, unknown>): Promise<void> {
    await this.call(() =>
      this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } }),
    );
  }

  /**
   * 应用内加急 on a message the bot sent (FEISHU.md §9): `PATCH /im/v1/messages/:id/urgent_app`.
   * An open_id Feishu does not accept comes back in `invalid_user_id_list`: nobody was buzzed.
   */
  async urgentApp(messageId: string, openIds: string[]): Promise<void> {
    const res = await this.call(() =>
      this.client.im.v1.message.urgentApp({ path: { message_id: messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: openIds } }),
    );
    const invalid = (res.data?.invalid_user_id_list ?? []) as string[];
    if (invalid.length >= openIds.length) throw new PlatformError(`urgent_app: Feishu refused every recipient (${invalid.join(', ')})`, { retryable: false });
  }

  async uploadImage(image: Buffer): Promise<string> {
    const data = await this.upload(() => this.client.im.v1.image.create({ data: { image_type: 'message', image } }));
    return String(data.image_key);
  }

  async uploadFile(file: Buffer, fileName: string): Promise<string> {
    const data = await this.upload(() =>
      this.client.im.v1.file.create({ data: { file_type: fileTypeOf(fileName), file_name: fileName, file } }),
    );
    return String(data.file_key);
  }

  botIdentity(): Promise<BotIdentity> {
    if (!this.identity) {
      this.identity = this.call(() => this.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })).then(
        (res) => {
          const openId = res.bot?.open_id;
          if (!openId) throw new PlatformError('bot info has no open_id', { retryable: true });
          return { openId, name: res.bot?.app_name ?? '' };
        },
      );
      // Do not cache a failure: the next group message asks again.
      this.identity.catch(() => (this.identity = undefined));
    }
    return this.identity;
  }

  async downloadResource(messageId: string, fileKey: string, type: 'image' | 'file', opts: { maxBytes?: number } = {}): Promise<Buffer> {
    let res: { getReadableStream: () => NodeJS.ReadableStream };
    try {
      res = await this.client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type } });
    } catch (err) {
      throw classifyFeishuError(err);
    }
    // Streamed, and stopped at the limit: a 200 MB file costs at most the limit, not 200 MB.
    const stream = res.getReadableStream() as Readable;
    const max = opts.maxBytes ?? Infinity;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        size += buf.length;
        if (size > max) throw new ResourceTooLargeError(max);
        chunks.push(buf);
      }
    } catch (err) {
      stream.destroy();
      if (err instanceof ResourceTooLargeError) throw err;
      throw classifyFeishuError(err);
    }
    return Buffer.concat(chunks);
  }

  private async create(
    receiveIdType: 'chat_id' | 'open_id',
    receiveId: string,
    message: OutboundMessage,
    idempotencyKey: string,
  ): Promise<SendResult> {
    if (message.type === 'forward') {
      const forwarded = await this.call(() =>
        this.client.im.v1.message.forward({
          path: { message_id: message.messageId },
          params: { receive_id_type: receiveIdType, uuid: idempotencyKey },
          data: { receive_id: receiveId },
        }),
      );
      return { messageId: String(forwarded.data?.message_id ?? '') };
    }
    const res = await this.call(() =>
      this.client.im.v1.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, ...toFeishuContent(message), uuid: idempotencyKey },
      }),
    );
    return { messageId: String(res.data?.message_id ?? '') };
  }

  /** Runs one SDK call; a reply with code ≠ 0 resolves in the SDK, so it is checked here. */
  private async call(fn: () => Promise<unknown>): Promise<FeishuAnswer> {
    let res: FeishuAnswer;
    try {
      res = ((await fn()) ?? {}) as FeishuAnswer;
    } catch (err) {
      throw classifyFeishuError(err);
    }
    if (typeof res.code === 'number' && res.code !== 0) throw fromFeishuCode(res.code, res.msg ?? '');
    return res;
  }

  /** Upload methods return only `data` and drop `code`, so a missing `data` is the error signal. */
  private async upload(fn: () => Promise<unknown>): Promise<Record<string, any>> {
    let data: Record<string, any> | null;
    try {
      data = (await fn()) as Record<string, any> | null;
    } catch (err) {
      throw classifyFeishuError(err);
    }
    if (!data) throw new PlatformError('upload answered without data', { retryable: false });
    return data;
  }
}

/**
 * Feishu's file_type for an upload, from the file name (FEISHU.md §5.3). Files are always sent
 * as msg_type `file`, which mp4/opus uploads would not match (error 230055), so those go as stream.
 */
export function fileTypeOf(fileName: string): 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream' {
  const dot = fileName.lastIndexOf('.');
  const ext = dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  if (ext === 'pdf') return 'pdf';
  if (ext === 'doc' || ext === 'docx') return 'doc';
  if (ext === 'xls' || ext === 'xlsx' || ext === 'csv') return 'xls';
  if (ext === 'ppt' || ext === 'pptx') return 'ppt';
  return 'stream';
}
