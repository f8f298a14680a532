// Progress of a long command on stderr, so stdout keeps only the result. On a terminal: one line,
// redrawn, with a bar, done/total, rate and ETA. Otherwise (a log file, CI): a plain line every few
// seconds and one at the end, never control characters.

/** Where progress goes: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is counted, e.g. `employers`. */
  label: string;
  total: number;
  stream?: ProgressStream;
  /** Milliseconds since some fixed point; default `performance.now()`. */
  now?: () => number;
  /** Redraw at most this often on a terminal (ms). */
  redrawMs?: number;
  /** A plain line at most this often when not a terminal (ms). */
  lineEveryMs?: number;
  /** Override the stream's own `isTTY`. */
  tty?: boolean;
}

const BAR_WIDTH = 24;

/** `9s`, `1m05s`, `2h03m`: short enough for one line. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 100) return Math.round(perSecond).toString();
  return perSecond.toFixed(1);
}

export class ProgressReporter {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly redrawMs: number;
  private readonly lineEveryMs: number;
  private readonly startedAt: number;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private lastLineAt: number;
  private done = 0;
  private note = '';
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.redrawMs = options.redrawMs ?? 100;
    this.lineEveryMs = options.lineEveryMs ?? 2000;
    this.startedAt = this.now();
    this.lastLineAt = this.startedAt;
  }

  /** `done` items so far; `note` is shown after the numbers (e.g. `moved 1200`). */
  update(done: number, note?: string): void {
    if (this.finished) return;
    this.done = done;
    if (note !== undefined) this.note = note;
    const at = this.now();
    if (this.tty) {
      if (at - this.lastWriteAt < this.redrawMs) return;
      this.lastWriteAt = at;
      this.stream.write(`\r${this.fit(this.line(at, true))}\x1b[K`);
    } else if (at - this.lastLineAt >= this.lineEveryMs) {
      this.lastLineAt = at;
      this.stream.write(`${this.line(at, false)}\n`);
    }
  }

  /** The final state, always written; the terminal line is left in place. */
  finish(note?: string): void {
    if (this.finished) return;
    if (note !== undefined) this.note = note;
    this.finished = true;
    const at = this.now();
    if (this.tty) this.stream.write(`\r${this.fit(this.line(at, true))}\x1b[K\n`);
    else this.stream.write(`${this.line(at, false)}\n`);
  }

  private line(at: number, bar: boolean): string {
    const { label, total } = this.options;
    const elapsedMs = at - this.startedAt;
    const fraction = total > 0 ? Math.min(1, this.done / total) : 1;
    const rate = elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0;
    const remaining = Math.max(0, total - this.done);
    let eta: string;
    if (remaining === 0) eta = `done in ${formatDuration(elapsedMs)}`;
    else if (rate > 0) eta = `ETA ${formatDuration((remaining / rate) * 1000)}`;
    else eta = 'ETA --';
    const filled = Math.round(fraction * BAR_WIDTH);
    const parts = [
      `${label}${bar ? '' : ':'}`,
      ...(bar ? [`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`] : []),
      `${this.done}/${total}`,
      `${Math.floor(fraction * 100)}%`,
      `${formatRate(rate)}/s`,
      eta,
      ...(this.note === '' ? [] : [this.note]),
    ];
    return parts.join(' ');
  }

  /** A redrawn line must not wrap, or `\r` redraws only its last part. */
  private fit(line: string): string {
    const columns = this.stream.columns;
    return columns !== undefined && columns > 1 && line.length >= columns
      ? line.slice(0, columns - 1)
      : line;
  }
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  return new ProgressReporter(options);
}
