import Transport from 'winston-transport';

/** Keeps every log line in memory, so a test can check what the gateway would have written. */
export class MemoryTransport extends Transport {
  readonly lines: string[] = [];

  override log(info: unknown, callback: () => void): void {
    this.lines.push(JSON.stringify(info));
    callback();
  }
}
