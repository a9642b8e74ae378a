import { describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../src/domain/identity/actor';
import { passwordProblem } from '../../src/domain/identity/password-policy';
import { assertNotMaker, assertSecondPerson, assertUnitAccess, can, permissionsOf, PERMISSIONS } from '../../src/domain/policy';
import { findUnclean } from '../../src/api/http/clean-text';

const op = (userId: number): Actor => ({ userId, username: `op${userId}`, role: 'operator', unitId: null, unitCode: null });
const staff: Actor = { userId: 9, username: 'wf', role: 'unit_staff', unitId: 3, unitCode: 'U3' };

describe('the permission policy', () => {
  it('when a role is asked for its permissions, then it gets exactly the table’s, in order', () => {
    expect(permissionsOf('leader')).toEqual(
      Object.keys(PERMISSIONS).filter((p) => (PERMISSIONS as Record<string, readonly string[]>)[p].includes('leader')),
    );
    expect(permissionsOf('admin')).toContain('user.manage');
    expect(can(staff, 'application.approve')).toBe(false);
    expect(can(op(1), 'application.approve')).toBe(true);
  });

  it('when unit staff reach for another unit or the bureau’s own, then OTHER_UNIT; bureau roles reach any', () => {
    expect(() => assertUnitAccess(staff, 4)).toThrow(expect.objectContaining({ reason: 'OTHER_UNIT' }));
    expect(() => assertUnitAccess(staff, null)).toThrow(expect.objectContaining({ reason: 'OTHER_UNIT' }));
    expect(() => assertUnitAccess(staff, 3)).not.toThrow();
    expect(() => assertUnitAccess(op(1), null)).not.toThrow();
  });

  it('when the maker or last submitter checks a document, then SAME_PERSON — unless the rule is off or it is the system', () => {
    const makers = { createdBy: 1, submittedBy: 2 };
    expect(() => assertNotMaker({ separate: true }, op(1), makers, '申领单 ')).toThrow(expect.objectContaining({ reason: 'SAME_PERSON' }));
    expect(() => assertNotMaker({ separate: true }, op(2), makers, '申领单 ')).toThrow(expect.objectContaining({ reason: 'SAME_PERSON' }));
    expect(() => assertNotMaker({ separate: true }, op(3), makers, '申领单 ')).not.toThrow();
    expect(() => assertNotMaker({ separate: false }, op(1), makers, '申领单 ')).not.toThrow();
    expect(() => assertNotMaker({ separate: true }, systemActor, { createdBy: 0, submittedBy: 0 }, '申领单 ')).not.toThrow();
    expect(() => assertSecondPerson({ separate: true }, op(5), [5], '监销')).toThrow(expect.objectContaining({ reason: 'SAME_PERSON' }));
  });
});

describe('the password policy', () => {
  it('when a password is short, common, simple or carries the username, then it names why; a good one passes', () => {
    expect(passwordProblem('password1')).toMatch(/至少 10 位/);
    expect(passwordProblem('password123')).toMatch(/常见/);
    expect(passwordProblem('1qaz2wsx3edc')).toMatch(/常见/);
    expect(passwordProblem('a1a1a1a1a1a1')).toMatch(/过于简单/);
    expect(passwordProblem('onlyletterswithoutdigits')).toMatch(/字母和数字/);
    expect(passwordProblem('Wangfang2026', 'wangfang')).toMatch(/用户名/);
    expect(passwordProblem('Huanxin-2026-mima', 'wangfang')).toBeNull();
  });
});

describe('text at the edge', () => {
  it('when a string or key carries NUL, a C0 control, DEL or a lone surrogate, then its path is named; tab, CR, LF and pairs pass', () => {
    expect(findUnclean({ a: [{ b: 'x\u0000' }] })).toEqual({ path: 'a.0.b', problem: 'control-character' });
    expect(findUnclean({ ['k\u0007']: 1 })).toMatchObject({ problem: 'control-character' });
    expect(findUnclean('\u007F')).toMatchObject({ problem: 'control-character' });
    expect(findUnclean({ s: '\uD800x' })).toEqual({ path: 's', problem: 'control-character' });
    expect(findUnclean({ s: 'x\uDC00' })).toEqual({ path: 's', problem: 'control-character' });
    expect(findUnclean({ s: '制表\t换行\r\n表情😀' })).toBeNull();
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(findUnclean(deep)).toMatchObject({ problem: 'too-deep' });
  });
});
