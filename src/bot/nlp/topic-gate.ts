// Words that make a stock question one about bills (票, 号段, a bill-type alias all contain 票 or these).
const BILL_WORDS = /票|号段|号码|空白|本|张|份|存根|联/u;
// What a stock question asks about, when it names something: "X的库存", "X还剩多少", "X库存".
const SUBJECT = /([\p{Script=Han}a-z0-9]{1,12}?)(?:的)?(?:库存|还剩|剩余|剩下|余量|结存|还有多少|还有几)/u;
// Words around the subject that name no object: who, when, how much.
const NOT_AN_OBJECT =
  /我们单位|我们|医院|学校|中心|财务科|财务|科室|额度|限量|上限|今年|去年|本月|上个月|这个月|上周|本周|季度|我单位|本单位|咱们|咱|单位|现在|目前|当前|今天|一共|总共|大概|还有|看看|看下|查询|查一下|查下|查查|查|帮我|请问|麻烦|想知道|知道|问下|问一下|系统里|系统|里面|手上|手里|账上|这边|那边|的|了|都|还|一下/gu;

/**
 * True when a stock question names a thing that is not a bill (「仓库的A4纸还剩多少」, 「药房阿莫西林库存」):
 * the bot's stock is bill stock only. Text is normalised (lower case, punctuation as spaces).
 */
export function notAboutBills(prepared: string): boolean {
  if (BILL_WORDS.test(prepared)) return false;
  const m = SUBJECT.exec(prepared.replace(/\s+/gu, ''));
  if (!m) return false;
  return m[1].replace(NOT_AN_OBJECT, '').length >= 2;
}
