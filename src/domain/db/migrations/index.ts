import type { MigrationInterface } from 'typeorm';
import { Initial1795773367853 } from './1795773367853-Initial';
import { IdentityControls1796432474073 } from './1796432474073-IdentityControls';
import { BotExchangeCaller1796436030371 } from './1796436030371-BotExchangeCaller';
import { OutboxExpiry1796436084581 } from './1796436084581-OutboxExpiry';
import { UnitAliases1796441023556 } from './1796441023556-UnitAliases';
import { BotCards1796441089892 } from './1796441089892-BotCards';
import { BotExchangeOutcome1796441178762 } from './1796441178762-BotExchangeOutcome';
import { UnitNameKeys1796505715516 } from './1796505715516-UnitNameKeys';
import { BotCardDocumentIndex1796509292715 } from './1796509292715-BotCardDocumentIndex';
import { DocumentSubmittedBy1796519572502 } from './1796519572502-DocumentSubmittedBy';
import { BillTypeNameUnique1796582077238 } from './1796582077238-BillTypeNameUnique';

/** Schema migrations, oldest first (new ones: `npm run db:generate-migration -- <Name>`). */
export const allMigrations: Array<new () => MigrationInterface> = [
  Initial1795773367853,
  IdentityControls1796432474073,
  BotExchangeCaller1796436030371,
  OutboxExpiry1796436084581,
  UnitAliases1796441023556,
  BotCards1796441089892,
  BotExchangeOutcome1796441178762,
  UnitNameKeys1796505715516,
  BotCardDocumentIndex1796509292715,
  DocumentSubmittedBy1796519572502,
  BillTypeNameUnique1796582077238,
];
