import { overfittingNote, timeLeft } from './progress-notes';

describe('overfittingNote', () => {
  it('warns when the held-out loss rose above its best epoch while the training loss fell', () => {
    const note = overfittingNote(
      [
        { loss: 0.62, heldOut: 0.55 },
        { loss: 0.41, heldOut: 0.51 },
        { loss: 0.2, heldOut: 0.58 },
      ],
      'test',
    );
    expect(note).toBe(
      'Overfitting: the test loss rose from 0.510 after epoch 2 to 0.580 while the training loss fell from 0.410 to 0.200. ' +
        'The model is memorising its training data; fewer epochs (2 here), fewer units or a smaller learning rate would do better on new data.',
    );
  });

  it('says nothing while the held-out loss falls, after one epoch, or for a rise within noise', () => {
    expect(overfittingNote([{ loss: 0.6, heldOut: 0.6 }], 'test')).toBeNull();
    expect(overfittingNote([{ loss: 0.6, heldOut: 0.6 }, { loss: 0.5, heldOut: 0.55 }], 'test')).toBeNull();
    expect(overfittingNote([{ loss: 0.6, heldOut: 0.5 }, { loss: 0.5, heldOut: 0.505 }], 'test')).toBeNull();
  });

  it('says nothing when both losses rose (a training problem, not overfitting)', () => {
    expect(overfittingNote([{ loss: 0.5, heldOut: 0.5 }, { loss: 0.7, heldOut: 0.7 }], 'test')).toBeNull();
  });
});

describe('timeLeft', () => {
  it('extrapolates the time per update so far', () => {
    expect(timeLeft(10, 100, 400)).toBe('about 30 s left');
    expect(timeLeft(60, 100, 400)).toBe('about 3 min left');
    expect(timeLeft(1, 100, 100)).toBe('less than a second left');
    expect(timeLeft(0, 0, 100)).toBe('estimating the time left');
  });
});
