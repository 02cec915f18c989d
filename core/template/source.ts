/** A template's source text and how offsets in it map to `name:line:col` for messages. */

export class Source {
  private readonly lineStarts: number[] = [0];

  constructor(
    /** The name errors are reported under (the file or template name). */
    readonly name: string,
    readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** 1-based line and column (in characters) of an offset. */
  position(pos: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo] as number;
    return { line: lo + 1, col: [...this.text.slice(start, pos)].length + 1 };
  }

  /** `name:line:col` of an offset. */
  location(pos: number): string {
    const { line, col } = this.position(pos);
    return `${this.name}:${line}:${col}`;
  }
}
