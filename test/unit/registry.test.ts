import * as applicationCards from '../../cards/application-cards';
import * as applicationForm from '../../cards/application-form-card';
import * as expertCards from '../../cards/expert-cards';
import * as needCards from '../../cards/need-cards';
import * as needListCard from '../../cards/need-list-card';
import * as needMatchCard from '../../cards/need-match-card';
import * as reportCards from '../../cards/report-cards';
import * as summaryCards from '../../cards/summary-cards';
import { FILER_BUTTONS } from '../../cards/application-cards';
import { CARD_ACTIONS, COMMANDS } from '../../handlers/registry';

/** Every button the cards can carry has a handler, and every command word is taken once. */

const exportedActions = [applicationCards, applicationForm, expertCards, needCards, needListCard, needMatchCard, reportCards, summaryCards].flatMap((m) =>
  Object.entries(m)
    .filter(([name, value]) => /_ACTION$/.test(name) && typeof value === 'string')
    .map(([, value]) => value as string),
);

it('has a handler for every action the cards name', () => {
  const named = [...exportedActions, ...Object.values(FILER_BUTTONS).map((b) => b.action), 'application.list', 'application.attach'];
  expect(named.length).toBeGreaterThan(15);
  for (const action of named) expect(Object.keys(CARD_ACTIONS)).toContain(action);
});

it('names every action noun.verb', () => {
  for (const action of Object.keys(CARD_ACTIONS)) expect(action).toMatch(/^[a-z]+\.[a-z_]+$/);
});

it('takes each command word and alias once', () => {
  const words = COMMANDS.flatMap((c) => [c.word, ...(c.aliases ?? [])]);
  expect(new Set(words).size).toBe(words.length);
});
