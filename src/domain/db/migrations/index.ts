/** Schema migrations, oldest first (generated per engine by `npm run db:generate-migration`). */
export const allMigrations: Function[] = [];
