/**
 * Password rules for staff accounts, the same on the server (create, reset, change) and in the console's
 * forms: at least PASSWORD_MIN_LENGTH characters, at least 3 of the 4 kinds (upper case, lower case, digit,
 * symbol), not containing the user name, and not one of the common passwords or their obvious variants.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** the rules in one sentence, for form hints */
export const PASSWORD_RULES_TEXT = `至少 ${PASSWORD_MIN_LENGTH} 位，包含大写字母、小写字母、数字、符号中的至少 3 种，不能包含用户名，不能是常见密码`;

/** common passwords, compared without case */
const COMMON_PASSWORDS = new Set([
  "1qaz2wsx3edc",
  "1qaz@wsx3edc",
  "1q2w3e4r5t",
  "1q2w3e4r5t6y",
  "qwer1234!@#$",
  "qwerty123456",
  "a1b2c3d4e5",
  "abcd1234!@#$",
  "aa123456789",
  "woaini1314520",
  "zxcvbnm123",
  "123456789abc",
  "abc123456789",
]);

/** words that common passwords are made of: a password that is one of them plus digits and symbols is common */
const COMMON_WORDS = new Set([
  "password",
  "passwd",
  "pass",
  "qwerty",
  "qwertyuiop",
  "qwer",
  "asdf",
  "asdfgh",
  "asdfghjkl",
  "zxcv",
  "zxcvbnm",
  "qazwsx",
  "qazwsxedc",
  "admin",
  "administrator",
  "root",
  "welcome",
  "letmein",
  "iloveyou",
  "woaini",
  "abc",
  "abcd",
  "abcdef",
  "abcdefg",
  "aaa",
  "test",
  "user",
  "changeme",
  "mima",
  "warmline",
  "heating",
  "gongre",
  "minle",
]);

/** the usual character swaps undone (p@ssw0rd → password), then digits and symbols dropped */
const unswap = (s: string) =>
  s
    .replace(/@/g, "a")
    .replace(/0/g, "o")
    .replace(/\$/g, "s")
    .replace(/[^a-z]/g, "");

/** the words a password may be made of: P@ssw0rd2026! → password (with and without the digits around it) */
function baseWords(password: string): string[] {
  const lower = password.toLowerCase();
  const inner = lower.replace(/^[^a-z@$]+/, "").replace(/[^a-z]+$/, "");
  return [unswap(lower), unswap(inner)];
}

/** which of the four kinds of character a password uses */
export function passwordKinds(password: string): { upper: boolean; lower: boolean; digit: boolean; symbol: boolean } {
  return {
    upper: /[A-Z]/.test(password),
    lower: /[a-z]/.test(password),
    digit: /\d/.test(password),
    symbol: /[^A-Za-z0-9]/.test(password),
  };
}

/**
 * What is wrong with a password, in Chinese, one sentence per broken rule (empty: the password is fine).
 * `username`: the account's user name, which the password may not contain.
 */
export function passwordProblems(password: string, username?: string | null): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`密码至少需要 ${PASSWORD_MIN_LENGTH} 位`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`密码不能超过 ${PASSWORD_MAX_LENGTH} 位`);
  const kinds = Object.values(passwordKinds(password)).filter(Boolean).length;
  if (kinds < 3) problems.push("密码需包含大写字母、小写字母、数字、符号中的至少 3 种");
  const name = username?.trim().toLowerCase();
  if (name && name.length >= 3 && password.toLowerCase().includes(name)) problems.push("密码不能包含用户名");
  const bases = baseWords(password);
  if (COMMON_PASSWORDS.has(password.toLowerCase()) || bases.some((b) => b === "" || COMMON_WORDS.has(b)))
    problems.push("密码过于常见，容易被猜到，请换一个");
  return problems;
}

export function isPasswordAcceptable(password: string, username?: string | null): boolean {
  return passwordProblems(password, username).length === 0;
}
