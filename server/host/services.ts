// Features reach each other through named services rather than imports of each other's
// internals. A feature module adds its entry to ServiceMap by declaration merging:
//
//   declare module '../host/services' { interface ServiceMap { hive: HiveService } }
import { ApiaryError } from '../../shared/errors';

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ServiceMap {}

export class Services {
  private readonly map = new Map<string, unknown>();

  provide<K extends keyof ServiceMap & string>(key: K, service: ServiceMap[K]): void {
    if (this.map.has(key)) throw new Error(`service ${key} provided twice`);
    this.map.set(key, service);
  }

  /** The service, or an `unavailable` error naming it (its feature is not running). */
  get<K extends keyof ServiceMap & string>(key: K): ServiceMap[K] {
    if (!this.map.has(key)) throw new ApiaryError('unavailable', `the ${key} service is not running in this host`);
    return this.map.get(key) as ServiceMap[K];
  }

  maybe<K extends keyof ServiceMap & string>(key: K): ServiceMap[K] | undefined {
    return this.map.get(key) as ServiceMap[K] | undefined;
  }
}
