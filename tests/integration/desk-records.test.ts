import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnouncementBatch } from '../../src/domain/desk/records/announcement.entity';
import { Consultation } from '../../src/domain/desk/records/consultation.entity';
import { InspectionFinding, InspectionRun } from '../../src/domain/desk/records/inspection.entity';
import { OnsiteVisit } from '../../src/domain/desk/records/onsite-visit.entity';
import { ReturnVisit } from '../../src/domain/desk/records/return-visit.entity';
import { TrainingRequest, TrainingSession } from '../../src/domain/desk/records/training.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { makeAnnouncementProcessor } from '../../src/jobs/processors/announcement.job';
import { makeLogger } from '../../src/logger';
import { startTestApp, type TestApp } from '../helpers/test-app';

const CHINESE = /[\u4e00-\u9fff]/;

describe('service desk records API', () => {
  let t: TestApp;
  let op: string;
  let eng: string;
  let leader: string;
  let staffH1: string;
  const count = async () => ({
    consultations: await t.ds.getRepository(Consultation).count(),
    tickets: await t.ds.getRepository(Ticket).count(),
    onsite: await t.ds.getRepository(OnsiteVisit).count(),
    visits: await t.ds.getRepository(ReturnVisit).count(),
    runs: await t.ds.getRepository(InspectionRun).count(),
    sessions: await t.ds.getRepository(TrainingSession).count(),
    requests: await t.ds.getRepository(TrainingRequest).count(),
    outbox: await t.ds.getRepository(OutboxMessage).count(),
  });
  /** Posts bad input and checks the status, a Chinese message containing `text`, and that nothing was written. */
  async function refused(path: string, body: unknown, status: number, text: string, token = op) {
    const before = await count();
    const r = await t.call('POST', path, { token, body });
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error.message).toMatch(CHINESE);
    expect(r.body.error.message).toContain(text);
    expect(await count()).toEqual(before);
  }

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z' }); // Monday 10:00 Shanghai
    await t.services.catalog.createUnit(systemActor, { code: 'H1', name: '市一医院', onboardingStatus: 'not_online' });
    await t.services.catalog.createUnit(systemActor, { code: 'H2', name: '市二医院', onboardingStatus: 'not_online' });
    op = await t.userToken('operator');
    eng = await t.userToken('engineer', { wecomUserId: 'wx-eng' });
    leader = await t.userToken('leader');
    staffH1 = await t.userToken('unit_staff', { unitCode: 'H1', wecomUserId: 'wx-h1a' });
    await t.userToken('unit_staff', { unitCode: 'H1', wecomUserId: 'wx-h1b' });
    await t.userToken('unit_staff', { unitCode: 'H2', wecomUserId: 'wx-h2a' });
    await t.userToken('unit_staff', { unitCode: 'H2' });
  });
  afterAll(async () => t?.close());

  describe('consultations', () => {
    it('when a call is logged with only channel and question, then 201 with the handler and defaults', async () => {
      const r = await t.call('POST', '/api/v1/consultations', { token: op, body: { channel: 'phone', question: '电子票据怎么冲红？' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        channel: 'phone',
        channelName: '电话',
        category: '一般咨询',
        handledByName: 'operator1',
        linkedTicketId: null,
        unitCode: null,
      });
      expect(await t.ds.getRepository(Consultation).countBy({ id: r.body.id })).toBe(1);
    });

    it('when createTicket is set, then a ticket of the same channel is opened and linked', async () => {
      const r = await t.call('POST', '/api/v1/consultations', {
        token: op,
        body: {
          channel: 'fax',
          caller: '张会计',
          unitCode: 'H1',
          category: '开票',
          question: '传真：开票软件报错 E102',
          durationMinutes: 12,
          createTicket: true,
        },
      });
      expect(r.status).toBe(201);
      const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: r.body.linkedTicketId });
      expect(ticket).toMatchObject({ source: 'fax', reporterName: '张会计', summary: '传真：开票软件报错 E102' });
      expect(r.body).toMatchObject({ unitCode: 'H1', unitName: '市一医院', durationMinutes: 12 });
    });

    it.each([
      ['an unknown channel', { channel: 'pigeon', question: 'q' }, 400, '渠道只能是'],
      ['no question', { channel: 'phone' }, 400, '问题'],
      ['an unknown ticket', { channel: 'phone', question: 'q', linkedTicketId: 99999 }, 404, '工单 #99999 不存在'],
      ['an unknown unit', { channel: 'phone', question: 'q', unitCode: 'NOPE', createTicket: true }, 404, '单位 NOPE 不存在'],
      ['a malformed time', { channel: 'phone', question: 'q', receivedAt: '2026-03-02 10:00' }, 400, '时间格式不正确'],
      ['a negative duration', { channel: 'phone', question: 'q', durationMinutes: -1 }, 400, '不能为负'],
      ['an unknown field', { channel: 'phone', question: 'q', mood: 'angry' }, 400, '请求内容不正确'],
    ])('when the consultation has %s, then it is refused and nothing is stored (not even a ticket)', async (_w, body, status, text) => {
      await refused('/api/v1/consultations', body, status, text);
    });

    it('when unit staff log a consultation, then 403; when they list, then only their unit shows', async () => {
      await refused('/api/v1/consultations', { channel: 'phone', question: 'q' }, 403, '无权', staffH1);
      await t.call('POST', '/api/v1/consultations', { token: op, body: { channel: 'network', unitCode: 'H2', question: '二院的问题' } });
      const mine = await t.call('GET', '/api/v1/consultations', { token: staffH1 });
      expect(mine.body.items.map((c: any) => c.unitCode)).toEqual(['H1']);
      expect((await t.call('GET', '/api/v1/consultations?unitCode=H2', { token: staffH1 })).status).toBe(403);
    });

    it('when listing with filters and paging, then the contract shape and matching rows come back', async () => {
      const all = await t.call('GET', '/api/v1/consultations?pageSize=2', { token: leader });
      expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(all.body.items).toHaveLength(2);
      const fax = await t.call('GET', '/api/v1/consultations?channel=fax&from=2026-03-02&to=2026-03-02', { token: eng });
      expect(fax.body.items.map((c: any) => c.caller)).toEqual(['张会计']);
      expect((await t.call('GET', '/api/v1/consultations?q=E102', { token: eng })).body.total).toBe(1);
      const bad = await t.call('GET', '/api/v1/consultations?from=2026-02-30', { token: eng });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('日期格式不正确');
    });
  });

  describe('on-site visits', () => {
    const base = { unitCode: 'H1', dispatchedAt: '2026-03-02T08:30:00+08:00', workDone: '重装开票客户端', result: 'resolved' };

    it('when a visit with arrival and signature is recorded, then 201 and it is signed', async () => {
      const r = await t.call('POST', '/api/v1/visits/onsite', {
        token: eng,
        body: { ...base, arrivedAt: '2026-03-02T09:20:00+08:00', unitSignature: '张会计' },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ unitCode: 'H1', result: 'resolved', unitSignature: '张会计', engineerName: 'engineer2' });
      expect(r.body.signedAt).toBe('2026-03-02T02:00:00.000Z');
      const both = await t.call('GET', '/api/v1/visits?unitCode=H1', { token: eng });
      expect(both.status).toBe(200);
      expect(both.body.onsite.items.map((v: { id: number }) => v.id)).toContain(r.body.id);
      expect(both.body.return).toMatchObject({ page: 1, pageSize: 50 });
    });

    it.each([
      ['arrival before dispatch', { ...base, arrivedAt: '2026-03-02T08:00:00+08:00' }, 400, '不能早于派工时间'],
      ['a signature without arrival', { ...base, unitSignature: '张会计' }, 400, '请先填写到达时间'],
      ['a dispatch in the future', { ...base, dispatchedAt: '2026-03-03T08:30:00+08:00' }, 400, '晚于当前时间'],
      ['a malformed dispatch time', { ...base, dispatchedAt: '2026-13-02T08:30:00+08:00' }, 400, '时间格式不正确'],
      ['an unknown result', { ...base, result: 'fine' }, 400, '处理结果只能是'],
      ['an unknown ticket', { ...base, ticketId: 424242 }, 404, '工单 #424242 不存在'],
      ['an unknown unit', { ...base, unitCode: 'XX' }, 404, '单位 XX 不存在'],
    ])('when the visit has %s, then it is refused and nothing is stored', async (_w, body, status, text) => {
      await refused('/api/v1/visits/onsite', body, status, text, eng);
    });

    it('when arrival and signature are added later, then the record is completed and then final', async () => {
      const c = await t.call('POST', '/api/v1/visits/onsite', { token: eng, body: base });
      expect(c.body).toMatchObject({ arrivedAt: null, unitSignature: null });
      const early = await t.call('PATCH', `/api/v1/visits/onsite/${c.body.id}`, {
        token: eng,
        body: { arrivedAt: '2026-03-02T08:00:00+08:00' },
      });
      expect(early.status).toBe(400);
      const done = await t.call('PATCH', `/api/v1/visits/onsite/${c.body.id}`, {
        token: eng,
        body: { arrivedAt: '2026-03-02T09:00:00+08:00', unitSignature: '李主任' },
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ unitSignature: '李主任', arrivedAt: '2026-03-02T01:00:00.000Z' });
      const again = await t.call('PATCH', `/api/v1/visits/onsite/${c.body.id}`, { token: eng, body: { workDone: '改写' } });
      expect(again.status).toBe(409);
      expect((await t.ds.getRepository(OnsiteVisit).findOneByOrFail({ id: c.body.id })).workDone).toBe('重装开票客户端');
    });

    it('when H1 staff list visits, then they see H1 only; leaders may not write', async () => {
      expect((await t.call('GET', '/api/v1/visits/onsite', { token: staffH1 })).body.items.every((v: any) => v.unitCode === 'H1')).toBe(
        true,
      );
      await refused('/api/v1/visits/onsite', base, 403, '无权', leader);
    });
  });

  describe('return visits through the API', () => {
    it('when an operator plans a visit and enters a phone answer, then it is stored; bad ratings are 400 and change nothing', async () => {
      const c = await t.call('POST', '/api/v1/visits/return', {
        token: op,
        body: { unitCode: 'H2', contactName: '王科长', note: '上线回访' },
      });
      expect(c.status).toBe(201);
      expect(c.body).toMatchObject({
        kind: 'manual',
        channel: 'phone',
        status: 'scheduled',
        unitCode: 'H2',
        dueAt: '2026-03-03T02:00:00.000Z',
      });
      for (const rating of [0, 7, '5', 4.5])
        await refused(`/api/v1/visits/return/${c.body.id}/answer`, { rating }, 400, '评分必须是 1-5 的整数');
      await refused('/api/v1/visits/return/98765/answer', { rating: 4 }, 404, '回访 #98765 不存在');
      const a = await t.call('POST', `/api/v1/visits/return/${c.body.id}/answer`, { token: op, body: { rating: 4, comment: '总体满意' } });
      expect(a.body).toMatchObject({ status: 'answered', rating: 4, comment: '总体满意', outcome: 'noted' });
      await refused(`/api/v1/visits/return/${c.body.id}/answer`, { rating: 5 }, 409, '已评价');
    });

    it('when a visit names neither ticket nor unit, or an unknown ticket, then it is refused', async () => {
      await refused('/api/v1/visits/return', {}, 400, '请填写工单号');
      await refused('/api/v1/visits/return', { ticketId: 5555 }, 404, '工单 #5555 不存在');
    });
  });

  describe('inspections', () => {
    let scheduleId: number;
    it('when a schedule and a run with a finding are recorded, then the run is stored with its worst status and the finding opens an inspection ticket', async () => {
      const s = await t.call('POST', '/api/v1/inspections/schedules', {
        token: eng,
        body: {
          name: '每日巡检',
          frequency: 'daily',
          checklist: [
            { key: 'db', label: '数据库' },
            { key: 'backup', label: '备份' },
          ],
        },
      });
      expect(s.status).toBe(201);
      scheduleId = s.body.id;
      const r = await t.call('POST', '/api/v1/inspections', {
        token: eng,
        body: {
          scheduleId,
          results: [
            { item: 'db', status: 'ok' },
            { item: 'backup', status: 'fail', note: '昨晚备份未执行' },
          ],
          findings: [
            { title: '备份未执行', severity: 'high', unitCode: 'H1' },
            { title: '日志偏大', severity: 'low', openTicket: false },
          ],
        },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        status: 'fail',
        kind: 'manual',
        results: [
          { item: 'db', status: 'ok' },
          { item: 'backup', status: 'fail' },
        ],
      });
      const [withTicket, without] = r.body.findings;
      expect(without.ticketId).toBeNull();
      expect(await t.ds.getRepository(Ticket).findOneByOrFail({ id: withTicket.ticketId })).toMatchObject({
        source: 'inspection',
        priority: 'high',
        summary: '【巡检发现】备份未执行',
      });
      const detail = await t.call('GET', `/api/v1/inspections/${r.body.id}`, { token: leader });
      expect(detail.body.findings).toHaveLength(2);
      expect((await t.call('GET', '/api/v1/inspections', { token: staffH1 })).status).toBe(403);
    });

    it.each([
      ['an item not on the checklist', () => ({ scheduleId, results: [{ item: 'disk', status: 'ok' }] }), 400, '不在巡检计划'],
      ['an unknown status', () => ({ results: [{ item: 'db', status: 'meh' }] }), 400, '结果只能是'],
      ['no results', () => ({ results: [] }), 400, '至少填写一项'],
      [
        'a finding for an unknown unit',
        () => ({ results: [{ item: 'db', status: 'warn' }], findings: [{ title: 'x', unitCode: 'ZZ' }] }),
        404,
        '单位 ZZ 不存在',
      ],
      ['an unknown schedule', () => ({ scheduleId: 777, results: [{ item: 'db', status: 'ok' }] }), 404, '巡检计划 #777 不存在'],
    ])('when the run has %s, then it is refused and nothing is stored', async (_w, body, status, text) => {
      const findings = await t.ds.getRepository(InspectionFinding).count();
      await refused('/api/v1/inspections', body(), status, text, eng);
      expect(await t.ds.getRepository(InspectionFinding).count()).toBe(findings);
    });
  });

  describe('training', () => {
    it('when a unit requests training and the bureau holds the session, then the request is scheduled', async () => {
      const req = await t.call('POST', '/api/v1/trainings/requests', {
        token: staffH1,
        body: { topic: '电子票据开具', preferredDate: '2026-03-10' },
      });
      expect(req.status).toBe(201);
      expect(req.body).toMatchObject({ unitCode: 'H1', status: 'open' });
      await refused('/api/v1/trainings/requests', { unitCode: 'H2', topic: '代别人申请' }, 403, '本单位', staffH1);
      const s = await t.call('POST', '/api/v1/trainings', {
        token: op,
        body: {
          date: '2026-03-10',
          topic: '电子票据开具',
          trainer: '王工',
          unitCodes: ['H1', 'H2'],
          attendees: 23,
          materials: [{ title: '操作手册', url: 'https://example.org/manual.pdf' }],
          requestId: req.body.id,
        },
      });
      expect(s.status).toBe(201);
      expect(s.body).toMatchObject({ unitCodes: ['H1', 'H2'], attendees: 23, requestId: req.body.id });
      expect(await t.ds.getRepository(TrainingRequest).findOneByOrFail({ id: req.body.id })).toMatchObject({
        status: 'scheduled',
        sessionId: s.body.id,
      });
      expect((await t.call('GET', '/api/v1/trainings?unitCode=H2', { token: staffH1 })).body.total).toBe(1);
      expect((await t.call('GET', `/api/v1/trainings/${s.body.id}`, { token: leader })).body.topic).toBe('电子票据开具');
    });

    it('when sessions are held for some units only, then unit staff see, by list and by id, only those open to all units or listing theirs', async () => {
      await t.services.catalog.createUnit(systemActor, { code: 'K_1', name: '下划线单位', onboardingStatus: 'not_online' });
      await t.services.catalog.createUnit(systemActor, { code: 'KX1', name: '相似编码单位', onboardingStatus: 'not_online' });
      const staffK = await t.userToken('unit_staff', { unitCode: 'K_1' });
      const session = async (topic: string, unitCodes: string[]) => {
        const r = await t.call('POST', '/api/v1/trainings', { token: op, body: { date: '2026-04-01', topic, trainer: '王工', unitCodes } });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body.id as number;
      };
      const all = await session('隔离-全部单位', []);
      const h1 = await session('隔离-仅一院', ['H1']);
      const h2 = await session('隔离-仅二院', ['H2']);
      const both = await session('隔离-一院二院', ['H1', 'H2']);
      const kx = await session('隔离-相似编码', ['KX1']);
      const topics = async (token: string, query = '') => {
        const r = await t.call('GET', `/api/v1/trainings?from=2026-04-01&to=2026-04-01&pageSize=100${query}`, { token });
        expect(r.status).toBe(200);
        expect(r.body.total).toBe(r.body.items.length);
        return (r.body.items as Array<{ topic: string }>).map((s) => s.topic).sort();
      };

      expect(await topics(staffH1)).toEqual(['隔离-一院二院', '隔离-仅一院', '隔离-全部单位'].sort());
      expect(await topics(staffH1, '&unitCode=H2')).toEqual(['隔离-一院二院']);
      // `_` in a code is no wildcard: K_1 does not see KX1's session.
      expect(await topics(staffK)).toEqual(['隔离-全部单位']);
      expect(await topics(leader)).toHaveLength(5);
      expect(await topics(op, '&unitCode=K_1')).toEqual([]);

      for (const id of [all, h1, both]) expect((await t.call('GET', `/api/v1/trainings/${id}`, { token: staffH1 })).status).toBe(200);
      for (const [id, token] of [
        [h2, staffH1],
        [kx, staffK],
        [h1, staffK],
      ] as const) {
        const r = await t.call('GET', `/api/v1/trainings/${id}`, { token });
        expect(r.status).toBe(403);
        expect(r.body.error.reason).toBe('OTHER_UNIT');
        expect(JSON.stringify(r.body)).not.toContain('隔离-');
      }
      expect((await t.call('GET', `/api/v1/trainings/${h2}`, { token: leader })).status).toBe(200);
    });

    it.each([
      ['a malformed date', { date: '2026-3-10', topic: 't', trainer: 'w' }, 400, '日期格式不正确'],
      ['an unknown unit', { date: '2026-03-10', topic: 't', trainer: 'w', unitCodes: ['NOPE'] }, 404, '单位 NOPE 不存在'],
      [
        'a bad material link',
        { date: '2026-03-10', topic: 't', trainer: 'w', materials: [{ title: 'x', url: 'not a url' }] },
        400,
        '不是有效的网址',
      ],
      ['a negative attendance', { date: '2026-03-10', topic: 't', trainer: 'w', attendees: -3 }, 400, '不能为负'],
    ])('when the session has %s, then it is refused and nothing is stored', async (_w, body, status, text) => {
      await refused('/api/v1/trainings', body, status, text);
    });
  });

  describe('announcements', () => {
    it('when an announcement is published, then recipients are cut into batches released by the announcements job', async () => {
      const a = await t.call('POST', '/api/v1/announcements', {
        token: op,
        body: { title: '系统升级通知', body: '**周六** 08:00–12:00 升级，期间暂停开票。' },
      });
      expect(a.status).toBe(201);
      expect(a.body.status).toBe('draft');
      const p = await t.call('POST', `/api/v1/announcements/${a.body.id}/publish`, { token: op });
      expect(p.body).toMatchObject({ status: 'published', recipientCount: 3, batchCount: 1 });
      expect((await t.call('POST', `/api/v1/announcements/${a.body.id}/publish`, { token: op })).status).toBe(409);
      const job = makeAnnouncementProcessor({ announcements: t.services.announcements, logger: makeLogger('silent') });
      expect(await job()).toEqual({ queued: 1 });
      expect(await job()).toEqual({ queued: 0 });
      const msg = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `announcement-${a.body.id}-b0` });
      expect(msg.message).toMatchObject({ channel: 'app', kind: 'markdown', toUsers: ['wx-h1a', 'wx-h1b', 'wx-h2a'] });
      expect((msg.message as { content: string }).content).toContain('【公告】系统升级通知');
      expect((await t.call('GET', `/api/v1/announcements/${a.body.id}`, { token: op })).body.queuedBatches).toBe(1);
    });

    it('when batches are small, then they are spread over time', async () => {
      const { makeAnnouncementService } = await import('../../src/domain/desk/records/announcement.service');
      const svc = makeAnnouncementService({ store: t.system.store, clock: t.clock, batchSize: 2, batchIntervalMs: 60_000 });
      const a = await svc.create(systemActor, { kind: 'briefing', title: '三月简报', body: '本月要点', unitCodes: ['H1', 'H2'] });
      expect(await svc.publish(systemActor, a.id)).toMatchObject({ recipientCount: 3, batchCount: 2 });
      expect(await svc.dispatchDue()).toBe(1);
      t.clock.advance(60_000);
      expect(await svc.dispatchDue()).toBe(1);
      const batches = await t.ds.getRepository(AnnouncementBatch).find({ where: { announcementId: a.id }, order: { seq: 'ASC' } });
      expect(batches.map((b) => b.toUsers)).toEqual([['wx-h1a', 'wx-h1b'], ['wx-h2a']]);
      t.clock.advance(-60_000);
    });

    it('when H2 staff list announcements, then they see published ones addressed to them only', async () => {
      const h2 = await t.userToken('unit_staff', { unitCode: 'H2' });
      await t
        .call('POST', '/api/v1/announcements', { token: op, body: { title: '只给一院', body: '内容', unitCodes: ['H1'] } })
        .then((r) => t.call('POST', `/api/v1/announcements/${r.body.id}/publish`, { token: op }));
      await t.call('POST', '/api/v1/announcements', { token: op, body: { title: '草稿', body: '内容' } });
      const seen = await t.call('GET', '/api/v1/announcements', { token: h2 });
      expect(seen.body.items.map((a: any) => a.title).sort()).toEqual(['三月简报', '系统升级通知']);
    });

    it('when a unit code holds an underscore, then its staff do not see announcements for a unit whose code differs there', async () => {
      await t.services.catalog.createUnit(systemActor, { code: 'M_1', name: '下划线单位二', onboardingStatus: 'not_online' });
      await t.services.catalog.createUnit(systemActor, { code: 'MX1', name: '相似编码单位二', onboardingStatus: 'not_online' });
      const staffM = await t.userToken('unit_staff', { unitCode: 'M_1' });
      await t.userToken('unit_staff', { unitCode: 'MX1', wecomUserId: 'wx-mx1' });
      const a = await t.call('POST', '/api/v1/announcements', { token: op, body: { title: '只给 MX1', body: '内容', unitCodes: ['MX1'] } });
      expect((await t.call('POST', `/api/v1/announcements/${a.body.id}/publish`, { token: op })).status).toBe(200);
      const seen = await t.call('GET', '/api/v1/announcements?pageSize=100', { token: staffM });
      expect(seen.body.items.map((x: { title: string }) => x.title)).not.toContain('只给 MX1');
      expect((await t.call('GET', `/api/v1/announcements/${a.body.id}`, { token: staffM })).status).toBe(403);
    });

    it.each([
      ['no title', { body: 'x' }, 400, '标题'],
      ['an unknown unit', { title: 't', body: 'x', unitCodes: ['NOPE'] }, 404, '单位 NOPE 不存在'],
      ['an unknown kind', { title: 't', body: 'x', kind: 'memo' }, 400, '类型只能是'],
    ])('when the draft has %s, then it is refused', async (_w, body, status, text) => {
      await refused('/api/v1/announcements', body, status, text);
    });
  });

  describe('reports', () => {
    it('when consultations are counted, then by channel, category and unit; xlsx downloads', async () => {
      const r = await t.call('GET', '/api/v1/reports/consultations?from=2026-03-01&to=2026-03-31', { token: leader });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ from: '2026-03-01', to: '2026-03-31', total: 3, totalMinutes: 12 });
      expect(r.body.byChannel).toEqual(
        expect.arrayContaining([
          { key: 'fax', name: '传真', count: 1, minutes: 12 },
          { key: 'phone', name: '电话', count: 1, minutes: 0 },
        ]),
      );
      expect(r.body.byUnit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ unitCode: 'H1', count: 1 }),
          expect.objectContaining({ unitName: '未关联单位', count: 1 }),
        ]),
      );
      const x = await t.call('GET', '/api/v1/reports/consultations?format=xlsx', { token: leader });
      expect(x.headers.get('content-type')).toContain('spreadsheetml');
      expect((await t.call('GET', '/api/v1/reports/consultations', { token: staffH1 })).status).toBe(403);
      expect((await t.call('GET', '/api/v1/reports/consultations?from=2026-04-01&to=2026-03-01', { token: leader })).status).toBe(400);
    });

    it('when return-visit satisfaction is read, then the average and distribution reflect the answers', async () => {
      const r = await t.call('GET', '/api/v1/reports/return-visits?from=2026-03-01&to=2026-03-31', { token: eng });
      expect(r.body).toMatchObject({ answered: 1, averageRating: 4, dissatisfied: 0, reopened: 0 });
      expect(r.body.distribution.find((d: any) => d.rating === 4)).toEqual({ rating: 4, count: 1, share: 1 });
      const csv = await t.call('GET', '/api/v1/reports/return-visits?format=csv', { token: eng });
      expect(csv.text).toContain('4 分,1,100%');
    });
  });
});
