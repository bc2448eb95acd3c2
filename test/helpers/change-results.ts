import type { Application } from '../../src/db/entities/application.entity';
import type { ChangeResult } from '../../src/services/application-service';

/** The app of a successful change; fails the test with what happened instead. */
export function okApp(r: ChangeResult): Application {
  if (!r.ok) throw new Error(`expected ok:true, got ok:false with current status ${r.current.status} version ${r.current.version}`);
  return r.app;
}

/** The current app of a refused change; fails the test when the change went through. */
export function refused(r: ChangeResult): Application {
  if (r.ok) throw new Error(`expected ok:false, got ok:true (from ${r.from} to ${r.app.status})`);
  return r.current;
}
