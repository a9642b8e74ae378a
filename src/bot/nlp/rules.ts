import { chatOpsRule } from './chat-ops-rules';

/** A rule decision that overrides the statistical model. */
export interface RuleHit {
  intent: string;
  rule: string;
}

// The bot never changes, approves or deletes data for anyone (bot.md): such requests go to a human
// even when the subject (核销, 申领 …) would otherwise match an intent with high confidence.
const STRONG_AGENT = '(?:帮|替|请你|让你|麻烦你|你帮|你给|你把|你来|直接)';
const CHANGE =
  '(?:批了|批一下|批下|批准|审批|审核通过|通过一下|通过吧|改成|改为|改一下|修改一下|改下|删掉|删了|删除|删一下|撤回|撤销掉|作废了|作废掉|调整一下|调一下|解锁|多批|加到|提交一下|退回去)';
// "怎么把…改成…" asks how to do it, which the FAQ answers; only a request without such words is refused.
const HOW_TO = /怎么|如何|怎样|咋|哪里|在哪|能否自己|可以自己|自己能/u;
const MUST_NOT: [string, RegExp, boolean][] = [
  ['must-not.agent-change', new RegExp(`${STRONG_AGENT}(?:我|我们|咱们|俺)?.{0,14}${CHANGE}`, 'u'), false],
  ['must-not.give-more', /给(?:我|我们)?多(?:批|发|给|领)/u, false],
  // "把库存加500份", "库存给我改成1000": the ledger changes only by documents, never by a word to the bot.
  [
    'must-not.adjust',
    /(?:把|将|给).{0,8}(?:库存|结存|余量|额度|限量|上限).{0,4}(?:加|减|增加|减少|扣|补|调)(?:到|成|上|掉)?\s*\d|(?:库存|结存|额度|限量|上限)(?:给我|帮我)?(?:加|减|增加|减少|调高|调低|提高|提到|调到|改到|补到)\s*\d?/u,
    true,
  ],
  ['must-not.give-change', new RegExp(`给(?:我|我们|咱们)(?:把)?.{0,12}${CHANGE}`, 'u'), true],
  ['must-not.ba-change', new RegExp(`(?:把|将).{1,14}${CHANGE}`, 'u'), true],
  // Data of another unit: the ledger answers only for the asker's own unit.
  [
    'must-not.other-unit',
    /(?:其他|其它|别的|隔壁|兄弟|所有|全市|全部)(?:的)?[\p{Script=Han}]{0,8}?(?:库存|还剩|剩多少|剩几|进度|情况|用量|数据|通过没|通过了吗|批了没|申领单|核销单)|(?:查|看)(?:一下|下|看|查)?(?:其他|其它|别的|隔壁|兄弟|所有|全市)/u,
    false,
  ],
  // A named organisation after 查/看 ("查一下实验小学的库存") is someone else's unit; our own is 我们/本单位.
  [
    'must-not.named-unit',
    /(?:查|看)(?:一下|下|看|查)?(?!我|本|咱)[\p{Script=Han}]{1,8}(?:医院|学校|小学|中学|大学|幼儿园|卫生院|局|委)的?(?:库存|还剩|剩|结存|核销|申领|进度|情况|号段|票)/u,
    false,
  ],
];

// Neighbouring systems and topics this desk does not serve (bot.md): tax invoices, personal tax,
// social insurance, budget/treasury/procurement systems, weather. None of these words occurs in an
// in-scope question; 发票 alone means a tax invoice unless 财政/票据 is also said.
const NEIGHBOURS: [string, RegExp][] = [
  [
    'out-of-scope.tax',
    /税务\s?(?:ukey|u盾|uk|数字证书|申报|登记)|增值税|个税|个人所得税|所得税|印花税|房产税|税控|金税|电子税务局|税务局|纳税|税率|抵扣|专票|普票|数电|全电/u,
  ],
  ['out-of-scope.invoice', /^(?!.*(?:财政|票据)).*发票/u],
  ['out-of-scope.social', /社保|医保卡|医保报销|医保个人账户|异地就医|养老保险|失业金|工伤|公积金/u],
  [
    'out-of-scope.budget',
    /预算一体化|一体化系统|预算指标|预算编制|预算调剂|部门预算|国库|集中支付|零余额|授权支付|直接支付|政府采购|政采|采购合同|采购意向|招标/u,
  ],
  // Other finance systems (not the bill system this desk serves): 网上报销, 非税收缴, 资产, 工资 ….
  [
    'out-of-scope.other-system',
    /报销系统|网上报销|报账系统|网上报账|非税收缴|收缴系统|非税收入收缴|缴款系统|资产(?:管理)?系统|资产云|工资系统|工资发放|人事系统|公务卡|财务软件|会计核算系统|核算系统|用友|金蝶|OA系统|办公系统|医保局|医保系统|医保平台|医保结算系统|社保卡/iu,
  ],
  // Travel and event tickets are 票 too, but not fiscal bills.
  ['out-of-scope.chat', /火车票|高铁票|动车票|机票|飞机票|航班|行程单|改签|电影票|演唱会/u],
  [
    'out-of-scope.chat',
    /饮水机|空调|电梯|天气|下雨|下雪|台风|气温|股市|股票|彩票|会议室|食堂|午饭|午餐|晚饭|外卖|停车|快递|放假安排|请假|打卡|考勤|年终奖|工资条|团建|体检/u,
  ],
];

// Texts that are nothing but a greeting / thanks / hand-off request: no model needed.
const OBVIOUS: [string, RegExp][] = [
  [
    'greeting',
    /^(?:老师 ?)?(?:你好|您好|你好呀|您好呀|老师好|哈喽|哈啰|嗨|在吗|在么|在不|在不在|有人吗|有人在吗|hi|hello|hey|早|早安|早上好|上午好|中午好|下午好|晚上好)(?: ?(?:啊|呀|哈|哦|老师))?$/u,
  ],
  [
    'thanks',
    /^(?:好的 ?)?(?:谢谢|谢了|谢啦|多谢|感谢|感谢感谢|谢谢你|谢谢您|thanks|thank you|thx|辛苦了|辛苦啦)(?: ?(?:啦|了|哈|哦|你|您))*$/u,
  ],
  // A bare acknowledgement closes the exchange like a thank-you; it asks nothing.
  ['thanks', /^(?:好的|好嘞|好滴|收到|了解|了解了|明白|明白了|清楚了|懂了|知道了|解决了|可以了|ok|okay)(?: ?(?:啦|了|哈|哦|谢谢))?$/u],
  ['handoff.human', /^(?:转人工|人工|人工客服|人工服务|找人工|转人工客服|转人工服务)$/u],
  ['ticket.status', /^(?:#|工单 ?)\d+$/u],
  // An application's number (its zeros squeezed by normalising) asked after with progress or why-not wording (「SL-2026-000614为什么还没发」) is
  // its status, whatever else the sentence says: the model spreads such texts over several intents.
  [
    'application.status',
    /sl[\s-]?\d{4}[\s-]?\d{1,6}.{0,12}(?:为什么|为啥|怎么还|还没|到哪|进度|什么时候|啥时候)|(?:为什么|为啥|怎么还|还没|进度).{0,12}sl[\s-]?\d{4}[\s-]?\d{1,6}/iu,
  ],
];

// Latin words that belong to this domain; other Latin-only text is English chat or gibberish.
const DOMAIN_LATIN = /\b(?:ukey|u ?key|key|ca|pin|excel|ie|chrome|edge|pdf|usb|ofd|app|id|bug|ok|ip|url|http|https|www)\b/u;

/** Must-not requests and obvious cases, decided on the normalised text before the model runs. */
export function applyRules(normalized: string): RuleHit | undefined {
  if (normalized.replace(/[\s#]/gu, '') === '') return { intent: 'None', rule: 'empty' };
  const act = chatOpsRule(normalized);
  if (act) return { intent: act, rule: `chat-ops.${act}` };
  for (const [rule, re, unlessHowTo] of MUST_NOT) {
    if (re.test(normalized) && !(unlessHowTo && HOW_TO.test(normalized))) return { intent: 'None', rule };
  }
  for (const [rule, re] of NEIGHBOURS) if (re.test(normalized)) return { intent: 'None', rule };
  for (const [intent, re] of OBVIOUS) if (re.test(normalized)) return { intent, rule: `obvious.${intent}` };
  if (!/\p{Script=Han}/u.test(normalized)) {
    if (/^[\d\s#]+$/u.test(normalized)) return { intent: 'None', rule: 'digits-only' };
    if (!DOMAIN_LATIN.test(normalized)) return { intent: 'None', rule: 'no-chinese' };
  }
  return undefined;
}
