// The progress reporter of long commands: a redrawn line on a terminal, plain lines elsewhere.
import { expect } from 'chai';

import { createProgress, formatDuration } from '../../../src/cli/progress';

function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return {
    writes,
    stream: {
      isTTY,
      ...(columns === undefined ? {} : { columns }),
      write: (text: string) => writes.push(text),
    },
  };
}

function clock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe('progress reporter', () => {
  it('redraws one line with bar, counts, rate and ETA on a terminal', () => {
    const { writes, stream } = fakeStream(true);
    const time = clock();
    const progress = createProgress({ label: 'employers', total: 10, stream, now: time.now });
    time.advance(1000);
    progress.update(2, 'moved 150');
    expect(writes).to.have.length(1);
    expect(writes[0]).to.equal(
      '\remployers [#####-------------------] 2/10 20% 2.0/s ETA 4s moved 150\x1b[K',
    );
    // Redraws are throttled: a second update within 100 ms draws nothing.
    time.advance(50);
    progress.update(3);
    expect(writes).to.have.length(1);
    time.advance(1950);
    progress.update(5);
    expect(writes[1]).to.match(/^\remployers \[#{12}-{12}\] 5\/10 50% 1\.7\/s ETA 3s moved 150/);
    time.advance(3000);
    progress.update(10);
    progress.finish('moved 900');
    expect(writes.at(-1)).to.equal(
      '\remployers [########################] 10/10 100% 1.7/s done in 6s moved 900\x1b[K\n',
    );
  });

  it('writes plain lines every 2 s and at the end when not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const time = clock();
    const progress = createProgress({ label: 'employers', total: 4, stream, now: time.now });
    for (let done = 1; done <= 4; done += 1) {
      time.advance(900);
      progress.update(done);
    }
    progress.finish();
    expect(writes).to.deep.equal([
      'employers: 3/4 75% 1.1/s ETA 1s\n',
      'employers: 4/4 100% 1.1/s done in 4s\n',
    ]);
    for (const line of writes) expect(line.includes('\r') || line.includes('\x1b')).to.equal(false);
  });

  it('says ETA -- before anything is done, and never wraps on a narrow terminal', () => {
    const { writes, stream } = fakeStream(true, 30);
    const time = clock();
    const progress = createProgress({ label: 'employers', total: 1000, stream, now: time.now });
    time.advance(500);
    progress.update(0);
    expect(writes[0]!.replace('\x1b[K', '')).to.have.length(30);
    const { writes: wide, stream: wideStream } = fakeStream(true);
    const p2 = createProgress({ label: 'x', total: 5, stream: wideStream, now: time.now });
    p2.update(0);
    expect(wide[0]).to.contain('ETA --');
  });

  it('writes nothing after finish, and finishing twice writes once', () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress({ label: 'employers', total: 0, stream, now: () => 0 });
    progress.finish();
    progress.finish();
    progress.update(1);
    expect(writes).to.deep.equal(['employers: 0/0 100% 0.0/s done in 0s\n']);
  });

  it('formats durations short', () => {
    expect(formatDuration(9_400)).to.equal('9s');
    expect(formatDuration(65_000)).to.equal('1m05s');
    expect(formatDuration(7_380_000)).to.equal('2h03m');
  });
});
