// Shapes of answers whose OpenAPI entry is an open object (the route declares no response schema).

/** A unit as GET /units and GET /units/:code return it. */
export interface UnitHit {
  code: string;
  name: string;
  /** Short names (简称) the unit is also known by. */
  aliases?: string[];
  contactName?: string | null;
  contactPhone?: string | null;
}

/** A consultation (来电记录) as the API returns it. */
export interface Consultation {
  id: number;
  channel: string;
  channelName: string;
  caller: string | null;
  unitCode: string | null;
  unitName: string | null;
  category: string;
  question: string;
  linkedTicketId: number | null;
  receivedAt: string;
  handledByName: string;
}
