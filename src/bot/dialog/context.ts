import type { Clock } from '../../domain/clock';
import type { Entities } from '../nlp/entities';

/** How long a previous turn can be referred to ("那医疗票呢"). */
export const CONTEXT_TTL_MS = 5 * 60_000;
const MAX_USERS = 10_000;

export interface TurnContext {
  intent: string;
  entities: Entities;
  at: number;
}

/**
 * Per-user memory of the last answered intent (domain or FAQ). In-process: a follow-up that lands on
 * another app process is classified on its own, which is acceptable for a 5-minute convenience.
 */
export function makeContextStore(clock: Clock) {
  const byUser = new Map<string, TurnContext>();
  return {
    get(senderId: string): TurnContext | undefined {
      const c = byUser.get(senderId);
      if (!c) return undefined;
      if (clock.now().getTime() - c.at > CONTEXT_TTL_MS) {
        byUser.delete(senderId);
        return undefined;
      }
      return c;
    },
    set(senderId: string, intent: string, entities: Entities): void {
      byUser.delete(senderId);
      byUser.set(senderId, { intent, entities, at: clock.now().getTime() });
      // Maps iterate in insertion order: drop the oldest when a flood of senders arrives.
      if (byUser.size > MAX_USERS) byUser.delete(byUser.keys().next().value as string);
    },
    clear(senderId: string): void {
      byUser.delete(senderId);
    },
  };
}
export type ContextStore = ReturnType<typeof makeContextStore>;

// "那医疗收费票据呢", "还有上个月的呢", "电子的呢", "那上一次的结果呢": short, leaning on the last turn.
const ELLIPTICAL = /^(?:那|那么|那个|还有|另外|再查|再看|换成|如果是|改成查)|呢\s*[?？。]?\s*$/u;
const MAX_FOLLOW_UP_CHARS = 30;

// A question that names its own subject is a new question, however short ("那核销呢" is not stock).
const SUBJECTS: Record<string, RegExp> = {
  'stock.query': /库存|结存|余量|还剩|剩下|剩多少|剩几|还有多少|还有几/u,
  'application.status': /申领|领票|领购|申请|发放|发了/u,
  'writeoff.status': /核销/u,
  'destruction.status': /销毁|监销/u,
  'ticket.status': /工单|问题单|报的问题|提的问题|报障/u,
};
const ANY_SUBJECT = new RegExp(
  Object.values(SUBJECTS)
    .map((r) => r.source)
    .join('|'),
  'u',
);

// "要带啥材料", "需要准备什么": the materials of the process just explained.
const MATERIALS =
  /带啥|带什么|要带|准备(?:什么|啥|哪些)|(?:什么|啥|哪些)材料|材料(?:呢|有哪些|是什么|要哪些)|要什么(?:资料|材料|手续)|需要(?:什么|啥|哪些)(?:资料|材料|手续)?$/u;
// "那我要怎么改", "怎么处理": what to do about the document just shown (a returned one above all).
const HOW_TO_FIX = /怎么改|如何改|咋改|怎样改|怎么修改|如何修改|怎么处理|怎么办|怎么弄|咋办|咋弄|要改什么|改哪里/u;

// How-to wording: the text asks its own question, even when it starts with 那 or ends with 呢.
const HOW_TO = /怎么|怎样|如何|咋|流程|步骤|能不能|可不可以|可以吗|是什么/u;

const MATERIALS_OF: Record<string, string> = {
  'faq.apply.process': 'faq.apply.materials',
  'faq.apply.limit': 'faq.apply.materials',
  'faq.apply.materials': 'faq.apply.materials',
  'application.status': 'faq.apply.materials',
  'stock.query': 'faq.apply.materials',
  'faq.writeoff.process': 'faq.writeoff.process',
  'faq.writeoff.rejected': 'faq.writeoff.rejected',
  'writeoff.status': 'faq.writeoff.process',
  'faq.destroy.process': 'faq.destroy.process',
  'destruction.status': 'faq.destroy.process',
  'faq.lost': 'faq.lost',
  'faq.return': 'faq.return',
  'faq.void': 'faq.void',
  'faq.account.new': 'faq.account.new',
  'faq.unit.change': 'faq.unit.change',
  'faq.ukey': 'faq.ukey',
};

/** What to do about a document of a status answer: write-offs have their own "returned" answer. */
const FIX_OF: Record<string, string> = {
  'writeoff.status': 'faq.writeoff.rejected',
  'faq.writeoff.process': 'faq.writeoff.rejected',
  'application.status': 'faq.apply.process',
  'destruction.status': 'faq.destroy.process',
};

/** A follow-up resolved against the previous turn. */
export interface FollowUp {
  intent: string;
  entities: Entities;
  /** Why, for the log and the evaluation: entity switch, materials, how-to-fix. */
  rule: 'follow-up.entity' | 'follow-up.materials' | 'follow-up.fix';
  /** The previous turn's subject, for answers about "that document". */
  previous: TurnContext;
}

const hasSwitch = (e: Entities): boolean => Boolean(e.billType || e.electronic || e.period || e.documentNo || e.ticketNo || e.latest);

/** The previous turn's entities overlaid with the new ones; a new bill type replaces 电子的 and vice versa. */
export function mergeEntities(previous: Entities, current: Entities): Entities {
  const base: Entities = { ...previous };
  if (current.billType || current.electronic) {
    delete base.billType;
    delete base.electronic;
    delete base.documentNo;
  }
  if (current.documentNo || current.latest) delete base.documentNo;
  return { ...base, ...current };
}

/**
 * Reads text as a follow-up of the previous turn, or returns null. `confidentDomain` is the
 * classifier's confident domain intent, if any: a text that names its own subject keeps it.
 */
export function resolveFollowUp(text: string, entities: Entities, previous: TurnContext | undefined): FollowUp | null {
  if (!previous) return null;
  const t = text.trim();
  if (Array.from(t).length > MAX_FOLLOW_UP_CHARS) return null;
  const fixOf = FIX_OF[previous.intent];
  if (fixOf && HOW_TO_FIX.test(t) && !ANY_SUBJECT.test(t)) {
    return { intent: fixOf, entities: previous.entities, rule: 'follow-up.fix', previous };
  }
  const materialsOf = MATERIALS_OF[previous.intent];
  if (materialsOf && MATERIALS.test(t) && !ANY_SUBJECT.test(t.replace(/申请|发放/gu, ''))) {
    return { intent: materialsOf, entities: previous.entities, rule: 'follow-up.materials', previous };
  }
  const ownSubject = SUBJECTS[previous.intent];
  if (!ownSubject) return null;
  // Elliptical and without a subject of its own ("那住院票呢", "电子的呢", "上一次的结果呢").
  const otherSubject = ANY_SUBJECT.test(t) && !ownSubject.test(t);
  // "那电子票怎么开呢" asks how, not how many: a question of its own.
  if (!ELLIPTICAL.test(t) || otherSubject || HOW_TO.test(t) || !hasSwitch(entities)) return null;
  return { intent: previous.intent, entities: mergeEntities(previous.entities, entities), rule: 'follow-up.entity', previous };
}
