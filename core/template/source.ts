/** A template's source text and how offsets in it map to `name:line:col` for messages. */

export class Source {
  /** Offsets where lines start, found on the first lookup (only messages need them). */
  private starts: number[] | undefined;

  constructor(
    /** The name errors are reported under (the file or template name). */
    readonly name: string,
    readonly text: string,
  ) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
    return (this.starts = starts);
  }

  /** 1-based line and column (in characters) of an offset. */
  position(pos: number): { line: number; col: number } {
    const lineStarts = this.lineStarts();
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    const start = lineStarts[lo] as number;
    return { line: lo + 1, col: [...this.text.slice(start, pos)].length + 1 };
  }

  /** `name:line:col` of an offset. */
  location(pos: number): string {
    const { line, col } = this.position(pos);
    return `${this.name}:${line}:${col}`;
  }
}
