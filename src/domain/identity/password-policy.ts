import { dictionary } from '@zxcvbn-ts/language-common';

/** The shortest password accepted (issue: internal controls; 等保 asks for at least 8, the bureau chose 10). */
export const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 128;
const MIN_DISTINCT_CHARACTERS = 5;

// 49k passwords seen in breaches (zxcvbn-ts's maintained list), compared in lower case.
let common: Set<string> | undefined;
const commonPasswords = (): Set<string> => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

/**
 * Why a password may not be used, in Chinese for the person choosing it; null when it is acceptable.
 * Pure: the API, the change-password form and the workbench give the same answer.
 */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 位`;
  if (password.length > MAX_PASSWORD_LENGTH) return `密码最长 ${MAX_PASSWORD_LENGTH} 位`;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字';
  if (new Set(password).size < MIN_DISTINCT_CHARACTERS) return '密码过于简单：不同的字符太少';
  const lower = password.toLowerCase();
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return '密码不能包含用户名';
  if (commonPasswords().has(lower)) return '该密码过于常见，容易被猜中，请换一个';
  return null;
}
