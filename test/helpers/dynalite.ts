/**
 * Starts dynalite (an in-memory DynamoDB) in-process on 127.0.0.1 with an ephemeral port, and
 * creates tables the way the CDK stack does (the idempotency table: partition key `id`).
 *
 * ```ts
 * const ddb = await startDynalite({ tables: ['idempotency'] });
 * process.env.SLUICE_DYNAMODB_ENDPOINT = ddb.endpoint;
 * await ddb.stop();
 * ```
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

export interface DynaliteHandle {
  readonly endpoint: string;
  readonly port: number;
  readonly client: DynamoDBClient;
  /** Creates an idempotency table (partition key `id`, string), as the FeaturePipeline construct does. */
  createIdempotencyTable(name: string): Promise<void>;
  /** All items of a table (for assertions). */
  scan(table: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startDynalite(options: { tables?: readonly string[] } = {}): Promise<DynaliteHandle> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'DYNALITE', secretAccessKey: 'DYNALITE' } });
  const handle: DynaliteHandle = {
    endpoint,
    port,
    client,
    async createIdempotencyTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    },
    async scan(table) {
      const r = await client.send(new ScanCommand({ TableName: table }));
      return (r.Items ?? []) as Record<string, unknown>[];
    },
    async stop() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  for (const table of options.tables ?? []) await handle.createIdempotencyTable(table);
  return handle;
}
