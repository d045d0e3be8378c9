// "Which reservations cover this path?" fast, with hundreds or thousands of them active.
// Plain paths go in a map; globs are bucketed under their leading plain directory (`src/lib`
// for `src/lib/**/*.ts`), so a path only meets the globs filed under one of its own ancestors
// (or itself: `src/**` covers `src`), and each of those is tested with its precompiled matcher.
import type { Reservation } from '../../../shared/coordination';
import type { GlobOptions } from './glob/pattern';
import { reservationSpec } from './reservations';

interface Entry {
  reservation: Reservation;
  expiresAt: number;
  test(path: string): boolean;
}

export class ReservationIndex {
  private readonly literal = new Map<string, Entry[]>();
  private readonly buckets = new Map<string, Entry[]>();
  private readonly nocase: boolean;
  readonly size: number;

  private constructor(reservations: readonly Reservation[], options: GlobOptions) {
    this.nocase = options.nocase === true;
    this.size = reservations.length;
    for (const reservation of reservations) {
      const spec = reservationSpec(reservation, options);
      const entry: Entry = { reservation, expiresAt: Date.parse(reservation.expiresAt), test: spec.test };
      const pattern = spec.include[0];
      if (pattern.literals !== null) {
        for (const path of pattern.literals) this.file(this.literal, this.key(path), entry);
      } else {
        for (const prefix of new Set(pattern.prefixes.map((p) => this.key(p.join('/'))))) this.file(this.buckets, prefix, entry);
      }
    }
  }

  static build(reservations: readonly Reservation[], options: GlobOptions = {}): ReservationIndex {
    return new ReservationIndex(reservations, options);
  }

  /** Live reservations covering `path` (a normalised workspace-relative path) at `now`. */
  covering(path: string, now: number): Reservation[] {
    const key = this.key(path);
    const out: Reservation[] = [];
    const consider = (entries: Entry[] | undefined): void => {
      if (!entries) return;
      for (const e of entries) {
        if (e.expiresAt > now && e.test(path) && !out.includes(e.reservation)) out.push(e.reservation);
      }
    };
    consider(this.literal.get(key));
    consider(this.buckets.get(''));
    for (let slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
      consider(this.buckets.get(key.slice(0, slash)));
    }
    consider(this.buckets.get(key));
    return out;
  }

  private key(path: string): string {
    return this.nocase ? path.toLowerCase() : path;
  }

  private file(map: Map<string, Entry[]>, key: string, entry: Entry): void {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  }
}
