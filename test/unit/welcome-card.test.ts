import { welcomeCard } from '../../cards/welcome-card';
import { REGIONS } from '../../src/domain/regions';
import { expectValidCard, type Node } from '../helpers/card-checks';
import { visibleText } from '../helpers/card-text';
import { validOutline } from '../helpers/card-outline';

describe('welcomeCard', () => {
  it('matches the snapshot', () => {
    expect(validOutline(welcomeCard())).toMatchSnapshot();
  });

  it('is a valid shared JSON 2.0 card under 30 KB', () => {
    const card = welcomeCard() as Node;
    expectValidCard(card);
    expect(card.header.title).toEqual({ tag: 'plain_text', content: '大家好，我是企业创新助手' });
    expect(card.body.elements.length).toBeGreaterThan(0);
  });

  it('explains how to bind and lists all 14 regions', () => {
    const text = visibleText(welcomeCard());
    expect(text).toContain('绑定 包头市');
    expect(text).toContain('绑定 中心');
    for (const region of REGIONS) expect(text).toContain(region);
  });

  it('is pure: two calls give equal cards', () => {
    expect(welcomeCard()).toEqual(welcomeCard());
  });
});
