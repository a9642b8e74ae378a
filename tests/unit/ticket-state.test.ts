import { describe, expect, it } from 'vitest';
import { TICKET_STATES, type TicketState } from '../../src/domain/desk/desk.types';
import { assertAllowed, isOpen, type TicketAction } from '../../src/domain/desk/ticket-state';
import type { Ticket } from '../../src/domain/desk/ticket.entity';
import { ConflictError } from '../../src/domain/errors';

// The life cycle of service-desk.md: new → acknowledged → in_progress ⇄ waiting_user → resolved → closed; resolved → reopened.
const OPEN: TicketState[] = ['new', 'acknowledged', 'in_progress', 'waiting_user'];
const EXPECTED: Record<TicketAction, TicketState[]> = {
  claim: OPEN,
  assign: OPEN,
  reply: [...OPEN, 'resolved'],
  info: [...OPEN, 'resolved'],
  resolve: OPEN,
  dispatch: OPEN,
  arrive: OPEN,
  wait: ['new', 'acknowledged', 'in_progress'],
  resume: ['waiting_user'],
  reopen: ['resolved'],
  close: ['resolved'],
};

const ticket = (state: TicketState) => ({ id: 7, state }) as Ticket;
const allowed = (state: TicketState, action: TicketAction) => {
  try {
    assertAllowed(ticket(state), action);
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
};

describe('ticket state machine', () => {
  const cases = (Object.keys(EXPECTED) as TicketAction[]).flatMap((action) =>
    TICKET_STATES.map((state) => [action, state, EXPECTED[action].includes(state)] as const),
  );

  it.each(cases)('when %s is asked of a ticket in state %s, then it is allowed: %s', (action, state, ok) => {
    expect(allowed(state, action)).toBe(ok);
  });

  it('when a ticket is closed, then nothing can be done to it', () => {
    expect((Object.keys(EXPECTED) as TicketAction[]).filter((a) => allowed('closed', a))).toEqual([]);
  });

  it('when an action is refused, then the conflict is STATE_NOT_ALLOWED and names the state and the action in Chinese', () => {
    let caught: unknown;
    try {
      assertAllowed(ticket('closed'), 'reopen');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConflictError);
    expect(caught).toMatchObject({ reason: 'STATE_NOT_ALLOWED', message: '工单 #7 当前为“已关闭”，不能重新打开' });
  });

  it.each([...TICKET_STATES])('when a ticket is %s, then it counts as open only before resolution', (state) => {
    expect(isOpen(state)).toBe(OPEN.includes(state));
  });
});
