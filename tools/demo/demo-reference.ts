import { type Actor, systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import { DEMO_BILL_TYPES } from './demo-bill-types';
import { demoCreditCode, demoPhone, type DemoRandom } from './demo-random';
import { CITY_REGION, DEMO_UNIT_ALIASES, DEMO_UNITS, DISTRICT_REGION } from './demo-units';

/** The password of every demo user (README, demo section). */
export const DEMO_PASSWORD = 'Piaoju2026';

/**
 * Bureau people (WeCom id = username): 票据管理科's operator who enters, its section chief who reviews
 * (不相容岗位相互分离: the maker is never the checker), a supervisor from 监督检查科 for 监销, the
 * on-site engineer and a bureau leader.
 */
export const DEMO_BUREAU_USERS = [
  { username: 'chenjing', name: '陈静', role: 'operator', phone: '0759-8261234' },
  { username: 'liuke', name: '刘建华', role: 'operator', phone: '0759-8261230' },
  { username: 'zhaojian', name: '赵建', role: 'operator', phone: '0759-8261288' },
  { username: 'zhanggong', name: '张建国', role: 'engineer', phone: '13853801234' },
  { username: 'lijuzhang', name: '李明', role: 'leader', phone: '0759-8260001' },
] as const;

/** The actors the history is written by. */
export interface DemoActors {
  /** Enters documents (and applies for units without staff). */
  operator: Actor;
  /** Reviews what others entered: approves, returns, issues. */
  reviewer: Actor;
  /** Supervises destructions (监销) for the bureau. */
  supervisor: Actor;
  /** Unit code → its staff member (units without staff are served by the operator). */
  staff: Map<string, Actor>;
}

/** 分次限量 caps the bureau configured (unit code, bill type, max per application). */
export const DEMO_CAPS: Array<[string, string, number]> = [
  ['105001', 'YL01', 12_000],
  ['105002', 'YL01', 8_000],
  ['104001', 'FS01', 2_000],
  ['104002', 'FS01', 2_000],
  ['104003', 'FS01', 1_500],
  ['110001', 'FS03', 5_000],
  ['112001', 'JS01', 500],
];

/** Creates bill types, units, users and caps through the catalog and user services. */
export async function loadReference(
  services: DomainServices,
  rnd: DemoRandom,
  onboardedOn: (monthsAgo: number) => string,
): Promise<DemoActors> {
  for (const { kindDigits: _k, orderSize: _o, ...bt } of DEMO_BILL_TYPES) await services.catalog.createBillType(systemActor, bt);
  for (const u of DEMO_UNITS) {
    const contactName = u.staff?.name ?? rnd.pick(['刘敏', '王磊', '张丽', '李强']);
    await services.catalog.createUnit(systemActor, {
      code: u.code,
      name: u.name,
      aliases: DEMO_UNIT_ALIASES[u.name] ?? [],
      creditCode: demoCreditCode(rnd, u.kind, u.district ? DISTRICT_REGION : CITY_REGION),
      supervisor: u.supervisor,
      contactName,
      contactPhone: demoPhone(rnd),
      purchaseCertNo: `鲁财票证〔${u.code}〕号`,
      onboardingStatus: u.status,
      onboardedOn: u.status === 'online' ? onboardedOn(rnd.int(14, 30)) : u.status === 'trial' ? onboardedOn(rnd.int(1, 3)) : undefined,
    });
  }
  for (const b of DEMO_BUREAU_USERS) {
    await services.users.create(systemActor, {
      username: b.username,
      name: b.name,
      role: b.role,
      wecomUserId: b.username,
      phone: b.phone,
      password: DEMO_PASSWORD,
    });
  }
  for (const u of DEMO_UNITS) {
    if (!u.staff) continue;
    await services.users.create(systemActor, {
      username: u.staff.username,
      name: u.staff.name,
      role: 'unit_staff',
      unitCode: u.code,
      wecomUserId: u.staff.username,
      phone: demoPhone(rnd),
      password: DEMO_PASSWORD,
    });
  }
  for (const [unitCode, billTypeCode, maxQuantity] of DEMO_CAPS)
    await services.catalog.setCap(systemActor, unitCode, { billTypeCode, maxQuantity });

  const operator = (await services.users.actorForWecom('chenjing'))!;
  const reviewer = (await services.users.actorForWecom('liuke'))!;
  const supervisor = (await services.users.actorForWecom('zhaojian'))!;
  const staff = new Map<string, Actor>();
  for (const u of DEMO_UNITS) {
    const a = u.staff ? await services.users.actorForWecom(u.staff.username) : null;
    if (a) staff.set(u.code, a);
  }
  return { operator, reviewer, supervisor, staff };
}
