import { describeHeatmap } from './heatmap';

describe('describeHeatmap (the canvas’ text alternative)', () => {
  it('gives the size, the strongest cell and the last readout', () => {
    const text = describeHeatmap('h', {
      tokens: ['[start]', 'great', 'film'],
      values: [
        [0.1, -0.2],
        [0.3, -0.9],
        [0.5, 0.4],
      ],
      range: [-1, 1],
      readout: { label: 'p(+)', description: '', values: [0.5, 0.7, 0.81234], kind: 'sentiment' },
    });
    expect(text).toBe('Heat map of h: 2 units by 3 tokens, values from -1 to 1; strongest: unit 1 at token 1 “great”, -0.900; p(+) at the last token with a value: 0.812.');
  });
});
