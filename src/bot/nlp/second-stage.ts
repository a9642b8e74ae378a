/** Decision of the status-vs-how-to stage: the intent, and the subject group it chose within. */
export interface SecondStageHit {
  intent: string;
  rule: string;
  /** All intents on the subject; their summed model score is the confidence in the subject. */
  group: string[];
  /** False when the wording only confirms the model's own choice. */
  changed: boolean;
}

/** One subject that has both a live-status intent and how-to FAQ intents. */
interface SubjectGroup {
  name: string;
  subject: RegExp;
  status: string;
  /** FAQ intents on the same subject; the first is the default how-to answer. */
  howTo: string[];
  /** Optional more specific how-to target, e.g. what to do after a rejection. */
  special?: { when: RegExp; intent: string };
}

const GROUPS: SubjectGroup[] = [
  {
    name: 'writeoff',
    subject: /核销/u,
    status: 'writeoff.status',
    howTo: ['faq.writeoff.process', 'faq.writeoff.rejected'],
    special: { when: /退回|驳回|不通过|没通过|没有通过|打回|被拒|退了回来/u, intent: 'faq.writeoff.rejected' },
  },
  {
    name: 'apply',
    subject: /申领|领票|领购|领用|发放|拿票|取票|申请.{0,6}票|票.{0,4}(?:批|发)/u,
    status: 'application.status',
    howTo: ['faq.apply.process', 'faq.apply.materials', 'faq.apply.limit'],
  },
  {
    name: 'destroy',
    subject: /销毁|监销/u,
    status: 'destruction.status',
    howTo: ['faq.destroy.process'],
  },
  {
    name: 'stock',
    subject: /库存|结存|余量|剩余|还剩|剩下|还有多少|剩几|剩多少/u,
    status: 'stock.query',
    howTo: [],
  },
  {
    name: 'ticket',
    subject: /工单|问题单|#\d+|提的问题|报的问题|反馈的问题|报的故障|转人工的/u,
    status: 'ticket.status',
    howTo: ['handoff.human', 'fault.report'],
  },
];

// "怎么还没批" complains about progress; it is a status question despite 怎么.
// "怎么样了/咋样了" asks how it is going, also a status question.
const COMPLAINT = /怎么还没|怎么还不|怎么没|咋还没|为什么还没|为啥还没|怎么样了|咋样了|怎样了|如何了/u;
const STATUS = new RegExp(
  [
    '了没',
    '了吗',
    '没有$',
    '没$',
    '到哪',
    '哪一步',
    '进度',
    '状态',
    '情况',
    '结果',
    '有结果',
    '审核了',
    '审完',
    '批了',
    '批下来',
    '批没',
    '通过了',
    '通过没',
    '通过没有',
    '有没有通过',
    '还在审',
    '审核中',
    '什么时候能',
    '啥时候能',
    '办完',
    '办好',
    '处理了',
    '处理完',
    '审核意见',
    '意见是',
    '回复了',
    '有人回',
    '还剩',
    '剩多少',
    '剩几',
    '还有多少',
    '还有几',
    '查一下我',
    '查下我',
    '查询我',
    '单号',
    '\\d{3,}',
  ].join('|'),
  'u',
);
const HOW_TO = new RegExp(
  [
    '怎么',
    '如何',
    '怎样',
    '咋',
    '流程',
    '步骤',
    '需要',
    '要带',
    '带什么',
    '材料',
    '资料',
    '准备',
    '在哪里操作',
    '在哪操作',
    '哪个菜单',
    '多久',
    '期限',
    '什么意思',
    '规定',
    '要求',
    '能不能',
    '可以吗',
    '可不可以',
  ].join('|'),
  'u',
);

/**
 * Status vs how-to on the same subject: "核销现在什么情况" is writeoff.status, "怎么核销" is
 * faq.writeoff.process. The model confuses them because they share the subject word; the
 * wording ("进度/了没" vs "怎么/流程") decides. Returns undefined when the wording is not decisive.
 */
export function refineStatusVsHowTo(normalized: string, predicted: string): SecondStageHit | undefined {
  const g = GROUPS.find((x) => (x.status === predicted || x.howTo.includes(predicted)) && x.subject.test(normalized));
  if (!g) return undefined;
  const complaint = COMPLAINT.test(normalized);
  const status = complaint || STATUS.test(normalized);
  const howTo = !complaint && HOW_TO.test(normalized.replace(COMPLAINT, ''));
  if (status === howTo) return undefined;
  const group = [g.status, ...g.howTo];
  const hit = (intent: string, rule: string): SecondStageHit => ({ intent, rule, group, changed: intent !== predicted });
  if (status) return hit(g.status, `${g.name}.status`);
  if (g.special?.when.test(normalized)) return hit(g.special.intent, `${g.name}.how-to-special`);
  if (predicted !== g.status) return hit(predicted, `${g.name}.how-to`);
  return g.howTo.length > 0 ? hit(g.howTo[0], `${g.name}.how-to`) : undefined;
}
