import { Initial1795773367853 } from './1795773367853-Initial';

/** Schema migrations, oldest first (new ones: `npm run db:generate-migration -- <Name>`). */
export const allMigrations: Function[] = [Initial1795773367853];
