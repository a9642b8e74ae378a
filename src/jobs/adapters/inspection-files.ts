import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { InspectionFiles } from '../../domain/inspections/auto-checks';

/** The inspection's file-system port over node:fs. */
export const nodeInspectionFiles: InspectionFiles = {
  // A missing file (no WAL yet, say) weighs nothing rather than failing the check.
  sizeOf: (path) =>
    fsp.stat(path).then(
      (s) => s.size,
      () => 0,
    ),
  async newestMtimeMs(dir) {
    let newest = 0;
    for (const name of await fsp.readdir(dir)) {
      const st = await fsp.stat(join(dir, name)).catch(() => null);
      if (st?.isFile() && st.mtimeMs > newest) newest = st.mtimeMs;
    }
    return newest;
  },
};
