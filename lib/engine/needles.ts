/**
 * Prefilter needles: which of many literal strings a file contains, found in one pass over its text.
 *
 * Testing each literal with `includes` reads the whole text once per absent needle, and most needles are absent
 * from most files (a few hundred needles over a few MiB of code cost more than the rest of the first pass).
 * An Aho-Corasick automaton over ASCII finds every occurrence of every literal in one read. Literals with
 * non-ASCII characters and regular-expression needles are tested on their own, and only when a check asks.
 */

const ALPHABET = 128;

export class NeedleSet {
  /** DFA transitions: state * 128 + char code -> state (failure links folded in). */
  private readonly next: Int32Array;
  /** Needle ids that end in each state (its own and those of its failure chain); null when none. */
  private readonly outputs: (number[] | null)[];
  /** 1 for needles the automaton does not cover (non-ASCII literals, regular expressions): tested on demand. */
  private readonly lazy: Uint8Array;

  constructor(readonly needles: readonly (string | RegExp)[]) {
    const goto: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    this.lazy = new Uint8Array(needles.length);
    needles.forEach((n, id) => {
      if (typeof n !== "string" || n.length === 0 || !/^[\x00-\x7f]*$/.test(n)) {
        this.lazy[id] = 1;
        return;
      }
      let s = 0;
      for (let i = 0; i < n.length; i++) {
        const c = n.charCodeAt(i);
        let t = goto[s]!.get(c);
        if (t === undefined) {
          t = goto.push(new Map()) - 1;
          ends.push([]);
          goto[s]!.set(c, t);
        }
        s = t;
      }
      ends[s]!.push(id);
    });

    // Breadth-first: each state's failure target is shallower, so its row and outputs are complete already.
    const states = goto.length;
    this.next = new Int32Array(states * ALPHABET);
    const fail = new Int32Array(states);
    const out: number[][] = ends.map((e) => [...e]);
    const queue: number[] = [];
    for (const [c, t] of goto[0]!) {
      this.next[c] = t;
      queue.push(t);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head]!;
      out[s]!.push(...out[fail[s]!]!);
      const row = s * ALPHABET;
      const failRow = fail[s]! * ALPHABET;
      for (let c = 0; c < ALPHABET; c++) {
        const t = goto[s]!.get(c);
        if (t === undefined) {
          this.next[row + c] = this.next[failRow + c]!;
        } else {
          this.next[row + c] = t;
          fail[t] = this.next[failRow + c]!;
          queue.push(t);
        }
      }
    }
    this.outputs = out.map((o) => (o.length ? [...new Set(o)] : null));
  }

  /**
   * A tester for one text: `has(i)` tells whether needle i occurs. The literals are all found up front in one
   * pass; the other needles are tested the first time they are asked for.
   */
  tester(text: string): (needle: number) => boolean {
    // 0 untested, 1 present, 2 absent.
    const found = new Uint8Array(this.needles.length);
    const next = this.next;
    const outputs = this.outputs;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = c < ALPHABET ? next[s * ALPHABET + c]! : 0;
      const o = outputs[s];
      if (o) for (const id of o) found[id] = 1;
    }
    return (i) => {
      if (found[i] === 0) {
        if (!this.lazy[i]) return false;
        const n = this.needles[i]!;
        found[i] = (typeof n === "string" ? text.includes(n) : n.test(text)) ? 1 : 2;
      }
      return found[i] === 1;
    };
  }
}
