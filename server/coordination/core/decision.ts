// What every decision returns: the events to append (in order) and the answer for the caller.
// Refusals are thrown as ApiaryError and write nothing.
import type { CoordinationEvent } from '../../../shared/coordination';

export interface Decision<R> {
  events: CoordinationEvent[];
  result: R;
}
