import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { readBodyText, sendJson } from './http-json.js';

/**
 * EventBridge, as far as mpx needs it locally: event buses exist, PutEvents
 * accepts entries and keeps them in an inspectable, persistent log
 * (`<data dir>/events.jsonl`); no rules or targets. AWS JSON 1.1
 * (`X-Amz-Target: AWSEvents.<Operation>`).
 */

export interface LoggedEvent {
  readonly id: string;
  readonly time: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly resources: readonly string[];
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | number;
}

export class EventsEmulator {
  private readonly buses = new Set<string>(['default']);
  private readonly file: string;
  private log: LoggedEvent[] = [];

  private constructor(
    dataDir: string,
    private readonly region: string,
    private readonly account: string,
  ) {
    this.file = join(dataDir, 'events.jsonl');
  }

  static async start(dataDir: string, region: string, account: string): Promise<EventsEmulator> {
    await mkdir(dataDir, { recursive: true });
    const emulator = new EventsEmulator(dataDir, region, account);
    const text = await readFile(emulator.file, 'utf8').catch(() => '');
    emulator.log = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LoggedEvent);
    for (const event of emulator.log) emulator.buses.add(event.eventBusName);
    return emulator;
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.account}:event-bus/${name}`;
  }

  createBus(name: string): string {
    this.buses.add(name);
    return this.busArn(name);
  }

  /** Every event put so far, oldest first. */
  events(): readonly LoggedEvent[] {
    return this.log;
  }

  private async putEvents(input: { Entries?: PutEventsEntry[] }) {
    const results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] = [];
    const accepted: LoggedEvent[] = [];
    for (const entry of input.Entries ?? []) {
      const bus = (entry.EventBusName ?? 'default').split('/').pop() as string;
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '{}');
      } catch {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
        continue;
      }
      if (!entry.Source || !entry.DetailType) {
        results.push({
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter(s) Source and DetailType must be specified.',
        });
        continue;
      }
      if (!this.buses.has(bus)) {
        results.push({ ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` });
        continue;
      }
      const event: LoggedEvent = {
        id: randomUUID(),
        time: new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : (entry.Time ?? Date.now())).toISOString(),
        eventBusName: bus,
        source: entry.Source,
        detailType: entry.DetailType,
        detail,
        resources: entry.Resources ?? [],
      };
      accepted.push(event);
      results.push({ EventId: event.id });
    }
    if (accepted.length > 0) {
      await appendFile(this.file, accepted.map((e) => `${JSON.stringify(e)}\n`).join(''));
      this.log.push(...accepted);
    }
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /** Serves `AWSEvents.<Operation>` requests. */
  async handle(operation: string, input: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    switch (operation) {
      case 'PutEvents':
        return { status: 200, body: await this.putEvents(input as { Entries?: PutEventsEntry[] }) };
      case 'DescribeEventBus': {
        const name = String(input.Name ?? 'default')
          .split('/')
          .pop() as string;
        if (!this.buses.has(name)) return error('ResourceNotFoundException', `Event bus ${name} does not exist.`);
        return { status: 200, body: { Name: name, Arn: this.busArn(name) } };
      }
      case 'ListEventBuses':
        return {
          status: 200,
          body: { EventBuses: [...this.buses].map((name) => ({ Name: name, Arn: this.busArn(name) })) },
        };
      case 'CreateEventBus':
        return { status: 200, body: { EventBusArn: this.createBus(String(input.Name)) } };
      default:
        return error('UnknownOperationException', `The local cloud does not emulate EventBridge ${operation}`);
    }
  }
}

function error(type: string, message: string) {
  return { status: 400, body: { __type: type, message } };
}

/** Reads a JSON request body (empty → {}). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBodyText(req);
  return text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/** JSON 1.x answers: errors carry their `__type` in `x-amzn-errortype` too. */
export function sendAwsJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): void {
  const type = status >= 400 ? (body as { __type?: string }).__type : undefined;
  sendJson(res, status, body, contentType, type);
}
