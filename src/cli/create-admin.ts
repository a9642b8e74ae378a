/**
 * `npm run create-admin`: creates an admin interactively (username, name, password typed twice,
 * not echoed) in the database of DATABASE_URL. Works whether or not other admins exist.
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { loadConfig } from '../config';
import { cliArgs, defineCli } from './args';
import { DomainError } from '../domain/errors';
import { systemActor } from '../domain/identity/actor';
import { createUserSchema } from '../domain/identity/identity.schemas';
import { makeLogger } from '../logger';
import { buildSystem } from '../system';

function ask(question: string, hidden = false): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (hidden) {
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stdout.write(s);
    };
  }
  return new Promise((resolve) =>
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stdout.write('\n');
      resolve(answer.trim());
    }),
  );
}

const CREATE_ADMIN_CLI = defineCli({
  name: 'create-admin',
  usage: 'npm run create-admin [-- --help]',
  about:
    'Creates an admin in the database of DATABASE_URL, asking for the username, name and password (typed twice, not echoed). ' +
    'Works whether or not other admins exist. Takes no flags.',
  flags: {},
});

async function main(): Promise<void> {
  cliArgs(CREATE_ADMIN_CLI);
  const config = loadConfig();
  const system = await buildSystem(config, makeLogger('warn'));
  try {
    const { services } = system;
    const username = await ask('用户名 (username): ');
    const name = (await ask('姓名 (name): ')) || username;
    const password = await ask('密码 (≥ 8, letters and digits): ', true);
    if (password !== (await ask('再次输入密码: ', true))) throw new Error('两次输入的密码不一致');
    const input = createUserSchema.safeParse({ username, name, role: 'admin', password });
    if (!input.success) throw new Error(input.error.issues.map((i) => i.message).join('；'));
    const user = await services.users.create(systemActor, input.data);
    console.log(`已创建管理员 ${user.username} (id ${user.id})`);
  } finally {
    await system.close();
  }
}

main().catch((err: Error) => {
  console.error(err instanceof DomainError ? `${err.message}${err.details.length ? ` ${JSON.stringify(err.details)}` : ''}` : err.message);
  process.exit(1);
});
