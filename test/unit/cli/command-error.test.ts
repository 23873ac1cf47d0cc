import { describe, expect, it } from 'vitest';
import { CommandError, EXIT, reportError } from '../../../cli/command-error.js';

describe('reportError', () => {
  function capture() {
    const err: string[] = [];
    return { io: { out: () => {}, err: (l: string) => err.push(l) }, err };
  }

  it('prints a command error as one line, its details indented under it, and returns its exit code', () => {
    const { io, err } = capture();
    const error = new CommandError('bad file:\nsecond line dropped', EXIT.USAGE, { details: ['a: x', 'b: y'] });
    expect(reportError('upload', error, io)).toBe(2);
    expect(err).toEqual(['mpx upload: bad file:', '  a: x', '  b: y']);
  });

  it('maps any other error to exit 1 with its first line', () => {
    const { io, err } = capture();
    expect(reportError('runs watch', new Error('socket hang up\n    at stack'), io)).toBe(1);
    expect(reportError('runs watch', 'thrown text', io)).toBe(1);
    expect(err).toEqual(['mpx runs watch: socket hang up', 'mpx runs watch: thrown text']);
  });
});
