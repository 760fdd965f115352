// One place that makes SDK clients: the same credentials, retries and endpoint for all of
// them, one client per service and region, and a counter of the calls they send (the
// benchmark's calls-per-instance figure, and --debug's summary).
import type { AwsConnection } from './connection.js';
import { clientConfig } from './connection.js';

interface MiddlewareContext {
  clientName?: string;
  commandName?: string;
}

/** The part of an SDK client's middleware stack the counter uses. */
interface CounterStack {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>, context: MiddlewareContext) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

interface SdkClient {
  middlewareStack: unknown;
  destroy(): void;
}

export class AwsContext {
  private readonly clients = new Map<string, SdkClient>();
  /** calls sent, by "ClientName CommandName" (not counting retries) */
  readonly calls = new Map<string, number>();

  constructor(
    readonly connection: AwsConnection,
    private readonly env: Record<string, string | undefined>,
    readonly signal?: AbortSignal,
  ) {}

  /**
   * The client of one service in one region (the connection's region when omitted). `maxAttempts`
   * overrides the retries for calls whose failure has a fallback (the IAM policy simulator).
   */
  client<C extends SdkClient>(Ctor: new (config: ReturnType<typeof clientConfig>) => C, region?: string, options: { maxAttempts?: number } = {}): C {
    const config = { ...clientConfig(region ? { ...this.connection, region } : this.connection, this.env), ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
    const key = `${Ctor.name}@${config.region}${options.maxAttempts ? `#${options.maxAttempts}` : ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new Ctor(config);
      (client.middlewareStack as CounterStack).add(
        (next, context) => async (args) => {
          const name = `${context.clientName ?? Ctor.name} ${context.commandName ?? 'unknown'}`;
          this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
          return next(args);
        },
        { step: 'initialize', name: 'keyshiftCallCounter' },
      );
      this.clients.set(key, client);
    }
    return client as C;
  }

  get region(): string {
    return clientConfig(this.connection, this.env).region;
  }

  totalCalls(): number {
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
