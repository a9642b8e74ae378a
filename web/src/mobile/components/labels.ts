// Chinese names of the codes the API returns (ticket states, sources, clock kinds, timeline events).
export const TICKET_STATE: Record<string, string> = {
  new: '待处理',
  acknowledged: '已响应',
  in_progress: '处理中',
  waiting_user: '等待用户',
  resolved: '已解决',
  closed: '已关闭',
};
export const TICKET_SOURCE: Record<string, string> = {
  bot: '机器人转人工',
  fault: '故障报告',
  alert: '监控告警',
  phone: '来电',
  fax: '传真',
  network: '网络',
  walk_in: '来访',
  inspection: '巡检发现',
};
export const PRIORITY: Record<string, string> = { urgent: '紧急', high: '高', normal: '普通', low: '低' };
export const CLOCK_KIND: Record<string, string> = { response: '响应', onsite: '到场', resolution: '解决' };
export const EVENT_TYPE: Record<string, string> = {
  created: '登记工单',
  question: '提问',
  reply: '回复',
  info: '补充信息',
  state: '状态变更',
  assign: '认领/分派',
  dispatch: '出发（派员现场）',
  arrive: '到达现场',
  alert: '监控告警',
  resolve: '已解决',
  reopen: '重新打开',
  close: '关闭',
};
export const CHANNELS = [
  { value: 'phone', label: '电话' },
  { value: 'fax', label: '传真' },
  { value: 'network', label: '网络' },
  { value: 'walk_in', label: '来访' },
] as const;
export const FREQUENCY: Record<string, string> = { daily: '每日', weekly: '每周', monthly: '每月' };
export const RUN_STATUS: Record<string, string> = { ok: '正常', warn: '警告', fail: '异常' };
export const LINE_KIND: Record<string, string> = { used: '已开', voided: '作废', lost: '灭失' };
