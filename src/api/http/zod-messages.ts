import type { z } from 'zod';

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '布尔值（true 或 false）',
  object: '对象',
  array: '数组',
  date: '日期',
  null: 'null',
  undefined: '空值',
  nan: '数字',
  record: '对象',
  map: '对象',
  set: '数组',
};
const typeName = (t: string) => TYPE_NAMES[t] ?? t;

const FORMATS: Record<string, string> = {
  date: '应为 YYYY-MM-DD 格式的日期',
  datetime: '应为带时区的 ISO 8601 时间',
  time: '应为 HH:MM:SS 格式的时间',
  email: '邮箱地址格式不正确',
  url: '网址格式不正确',
  uuid: '应为 UUID',
  regex: '格式不正确',
  starts_with: '开头不正确',
  ends_with: '结尾不正确',
  includes: '内容不正确',
};

function size(origin: string, n: number | bigint): string {
  if (origin === 'string') return `${n} 个字符`;
  if (origin === 'array' || origin === 'set') return `${n} 项`;
  return String(n);
}

// A body may carry thousands of unknown keys, each as long as it likes: name a few, count the rest.
const MAX_KEYS_NAMED = 5;
const MAX_KEY_CHARS = 40;
function listKeys(keys: string[]): string {
  const named = keys.slice(0, MAX_KEYS_NAMED).map((k) => (k.length > MAX_KEY_CHARS ? `${k.slice(0, MAX_KEY_CHARS)}…` : k));
  return keys.length > MAX_KEYS_NAMED ? `${named.join('、')} 等 ${keys.length} 个` : named.join('、');
}

/**
 * Chinese texts for zod's default messages (schemas' own Chinese messages still win). Passed per
 * parse at the HTTP edge, not set globally: config and job-data errors are for engineers, in English.
 */
export const zhErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? '必填' : `应为${typeName(iss.expected)}`;
    case 'too_small': {
      const n = size(iss.origin, iss.minimum);
      if (iss.exact) return `长度应为 ${n}`;
      if (iss.origin === 'date') return `不能早于 ${String(iss.minimum)}`;
      if (iss.origin === 'string' || iss.origin === 'array' || iss.origin === 'set') return `至少 ${n}`;
      return iss.inclusive === false ? `必须大于 ${n}` : `不能小于 ${n}`;
    }
    case 'too_big': {
      const n = size(iss.origin, iss.maximum);
      if (iss.exact) return `长度应为 ${n}`;
      if (iss.origin === 'date') return `不能晚于 ${String(iss.maximum)}`;
      if (iss.origin === 'string' || iss.origin === 'array' || iss.origin === 'set') return `最多 ${n}`;
      return iss.inclusive === false ? `必须小于 ${n}` : `不能大于 ${n}`;
    }
    case 'invalid_format':
      return FORMATS[iss.format] ?? '格式不正确';
    case 'not_multiple_of':
      return `应为 ${iss.divisor} 的倍数`;
    case 'unrecognized_keys':
      return `不支持的字段：${listKeys(iss.keys)}`;
    case 'invalid_value':
      return `应为以下之一：${iss.values.map((v) => String(v)).join('、')}`;
    case 'invalid_key':
      return '字段名不正确';
    case 'invalid_element':
      return '包含不正确的项';
    case 'invalid_union':
      return '取值不符合任何一种允许的格式';
    default:
      return '取值不正确';
  }
};
