/* global performance, document, window, getComputedStyle, Event, DataTransfer, File, DragEvent -- performance is Node's; document and the DOM classes appear in functions that run in the page */
// End-to-end test of the browser page in headless Chromium (playwright-core, Debian's /usr/bin/chromium).
//
//   pnpm --filter @rnnkit/demo test:e2e
//
// Builds the page with Vite, serves it with `vite preview` on 127.0.0.1, and checks that:
//   1. the worker starts on the wasm backend, and Stop ends a run between two updates;
//   2. a short sentiment run (LSTM, 2 epochs) trains: the loss falls and the test accuracy beats chance,
//      with the recurrence kernel's large layers split over helper threads (the page is cross-origin isolated);
//   3. a positive and a negative sentence are classified (p in [0, 1], positive > negative,
//      one coloured chip per word);
//   4. the hidden-state heat-map is drawn;
//   5. a short character-level run (1 epoch) trains and generates text from a prompt;
//   6. the page holds up to a user's mistakes (issue 19): each invalid field gets its message beside it
//      and Train stays off; a stopped run keeps the last good model and says so; no verdict for an
//      empty or unknown-words review; a test review keeps its label; a long review folds the words
//      the model does not read; the inspector and generation length check their input; Load says
//      nothing is saved before a save, and brings back the run's settings and charts after one (both
//      tabs); while a run trains: the time left, the other tab's Train off with its reason, a reload asks
//      first; a run that overfits says so;
//   7. a phone (390×844): charts stacked and legible, the heat-map drawn to its card; no horizontal
//      overflow at any width from 360 to 1920 px on either tab;
//   9. a .keras file made in Node (Embedding → LSTM → Dense(sigmoid)) dropped on the Sentiment tab becomes
//      the sentiment model: the page names it and shows its summary, and scores a review as the same
//      model does in Node (within 1e-5); a model on float features chosen through the file input is
//      refused with what it takes; a corrupt file gets the loader's message and the model stays;
//   8. on every state it visits, at 1920×1080 and at 390×844 (fresh, a field in error, training,
//      trained with scores and the inspector, characters), the checks of audit.mjs (labels, tab
//      semantics, live regions, contrast, overflow) and axe-core's WCAG 2.0 / 2.1 A and AA rules: no
//      violation;
// and that the page logged no error. Screenshots of those states go to web/e2e/out/ (gitignored),
// named desktop-*.png and phone-*.png.
// Skips, saying why, when Chromium is not installed (CHROMIUM_PATH overrides the path).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`e2e: SKIPPED — no Chromium at ${chromiumPath}. Install it with: apt-get install -y chromium`);
  process.exit(0);
}

const { chromium } = await import('playwright-core');
const { auditPage, axeViolations } = await import('./audit.mjs');
const { build, preview } = await import('vite');

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const configFile = here('../../vite.config.ts');
const outDir = here('./out');
// no screenshot of an earlier run is left to be mistaken for this one's
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const results = [];
function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`e2e: ${ok ? 'ok  ' : 'FAIL'} ${name}${detail === undefined ? '' : ` — ${detail}`} (${elapsed()})`);
}

await build({ configFile, logLevel: 'error' });

// Keras files made in Node with rnnkit's built packages (web/e2e/keras-model.mjs), and the model's score of a review
const KERAS_REVIEW = 'One of the best films I have seen this year. The acting is brilliant and the story is moving.';
const keras = await (await import('./keras-model.mjs')).kerasFiles([KERAS_REVIEW]);
const server = await preview({ configFile, logLevel: 'error', preview: { host: '127.0.0.1', port: 4173, strictPort: false } });
const url = server.resolvedUrls?.local[0];
if (url === undefined) throw new Error('e2e: vite preview did not report its URL');

const profile = mkdtempSync(join(tmpdir(), 'rnnkit-e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1920, height: 1080 },
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
const problems = [];
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('console', (message) => {
  if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
});
// the page must need nothing beyond the preview server
await page.route('**/*', (route) => (route.request().url().startsWith(url) ? route.continue() : route.abort()));

const attr = async (testId, name) => page.getByTestId(testId).getAttribute(name);
const num = async (testId, name) => Number(await attr(testId, name));
const text = async (testId) => (await page.getByTestId(testId).textContent()) ?? '';
/** Waits until the charts and heat-maps on screen are drawn at their width (they redraw a frame after a resize). */
const settled = () =>
  page.waitForFunction(
    () =>
      [...document.querySelectorAll('.chart')].every((chart) => {
        const width = chart.getBoundingClientRect().width;
        return width === 0 || Math.abs(Number(chart.getAttribute('viewBox')?.split(' ')[2]) - Math.max(260, Math.round(width))) <= 1;
      }),
    undefined,
    { timeout: 30_000 },
  );
/**
 * A state of the page: its screenshot (when `file` is given), then the accessibility and overflow
 * checks of audit.mjs and axe-core's WCAG 2.0 / 2.1 A and AA rules on it.
 */
const visit = async (state, file) => {
  await settled();
  if (file !== undefined) await page.screenshot({ path: join(outDir, file), fullPage: true });
  const problems = await auditPage(page);
  problems.push(...(await axeViolations(page)).map((v) => `axe ${v}`));
  check(`no accessibility or overflow problems: ${state}`, problems.length === 0, problems.join('; ') || undefined);
};
/** Scores `text` and waits until the page has shown its answer. */
const scoreReview = async (review) => {
  const before = Number((await attr('sentiment-tools', 'data-scores')) ?? 0);
  await page.getByTestId('review-input').fill(review);
  await page.getByTestId('review-score').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="sentiment-tools"]')?.getAttribute('data-scores') ?? 0) > n, before, { timeout: 30_000 });
  return {
    verdict: (await page.getByTestId('review-verdict').isVisible()) ? await text('review-verdict') : '',
    warning: (await page.getByTestId('review-warning').isVisible()) ? await text('review-warning') : '',
  };
};

try {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const backend = await page.getByTestId('backend').textContent();
  check('the worker runs on wasm', /^wasm/.test(backend ?? ''), backend ?? '');
  const badgeTitle = (await attr('backend', 'title')) ?? '';
  check(
    'the badge says what runs where in plain words, its tooltip the details',
    /recurrent layers on \d threads?$/.test(backend ?? '') && !/kernel/.test(backend ?? '') && /thread/.test(badgeTitle),
    badgeTitle,
  );
  check(
    'Load is off before anything was saved, and says so',
    (await page.getByTestId('sentiment-model-load').isDisabled()) && (await text('sentiment-model-storage')) === 'No sentiment model saved in this browser yet.',
    await text('sentiment-model-storage'),
  );
  const summaryLines = await page.getByTestId('sentiment-summary').evaluate((el) => [getComputedStyle(el).lineHeight, getComputedStyle(el).fontSize]);
  check("the model summary's box lines join (line height = font size)", summaryLines[0] === summaryLines[1], summaryLines.join(' / '));
  await visit('desktop 1920×1080, fresh', 'desktop-fresh.png');

  // 6. every field checked, its message beside it, Train off until the form is valid
  const fieldCases = [
    ['units', '', /^Units is empty/],
    ['units', '100000', /got 100,000\.$/],
    ['epochs', '', /^Epochs is empty/],
    ['epochs', '51', /from 1 to 50; got 51/],
    ['learningRate', '', /^Learning rate is empty/],
    ['batchSize', '0', /from 4 to 256; got 0/],
    ['batchSize', '-5', /got -5/],
    ['embed', '3.5', /3\.5 has a fraction/],
  ];
  const fieldResults = [];
  for (const [name, value, expected] of fieldCases) {
    const input = page.getByTestId(`sentiment-${name}`);
    const kept = await input.inputValue();
    await input.fill(value);
    const message = await text(`sentiment-${name}-error`);
    const beside = await input.evaluate((el, id) => {
      const error = document.getElementById(id);
      const a = el.getBoundingClientRect();
      const b = error.getBoundingClientRect();
      return el.closest('.field').contains(error) && b.top >= a.bottom - 1 && b.top - a.bottom < 40 && el.getAttribute('aria-invalid') === 'true';
    }, `sentiment-${name}-error`);
    const off = await page.getByTestId('sentiment-train').isDisabled();
    fieldResults.push({ name, value, ok: expected.test(message) && beside && off, message });
    if (name === 'units' && value === '') {
      // Enter in a field would submit the form: nothing starts while a field is invalid
      await input.press('Enter');
      await page.waitForTimeout(500);
      fieldResults.push({ name: 'Enter', value, ok: (await attr('sentiment-train-card', 'data-state')) === 'idle', message: 'no run started' });
      await visit('desktop 1920×1080, a field in error', 'desktop-validation.png');
    }
    await input.fill(kept);
  }
  check(
    'each invalid field gets its own message beside it and Train stays off',
    fieldResults.every((r) => r.ok) && !(await page.getByTestId('sentiment-train').isDisabled()),
    fieldResults.map((r) => `${r.name}=${JSON.stringify(r.value)}: ${r.ok ? 'ok' : 'WRONG'} “${r.message}”`).join('; '),
  );

  // Stop ends a run between two updates
  await page.getByTestId('sentiment-epochs').fill('5');
  await page.getByTestId('sentiment-train').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="sentiment-train-card"]')?.getAttribute('data-steps')) >= 5, undefined, {
    timeout: 60_000,
  });
  await page.getByTestId('sentiment-stop').click();
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="stopped"]', { timeout: 30_000 });
  const stoppedAt = await num('sentiment-train-card', 'data-steps');
  check('Stop ends a run mid-epoch (between two updates, before the first epoch of 63 ends)', stoppedAt < 63, `stopped after ${stoppedAt} of 315 updates`);
  const noneNote = await text('sentiment-status');
  check(
    'a run stopped before its first epoch, with no model before it, says no model is trained',
    (await attr('sentiment-train-card', 'data-kept')) === 'none' && noneNote.endsWith('No model is trained yet.'),
    noneNote,
  );

  // 2. a short sentiment run
  await page.getByTestId('sentiment-epochs').fill('2');
  await page.getByTestId('sentiment-train').click();
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="training"]', { timeout: 30_000 });
  await page.waitForFunction(() => / left · /.test(document.querySelector('[data-testid="sentiment-status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const withEta = await text('sentiment-status');
  const charsNote = await text('chars-form-note');
  const charsOff = (await page.getByTestId('chars-train').isDisabled()) && charsNote.startsWith('Sentiment is training');
  const storageNote = await text('sentiment-model-storage');
  const storageOff = (await page.getByTestId('sentiment-model-save').isDisabled()) && storageNote === 'Save and Load wait for the run to end.';
  const asksBeforeUnload = await page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
  await page.waitForFunction(() => (document.querySelector('[data-testid="sentiment-announce"]')?.textContent ?? '').startsWith('Epoch 1 of 2 done'), undefined, { timeout: 60_000 });
  const announced = await text('sentiment-announce');
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="done"]', { timeout: 180_000 });
  check(
    'while training: the time left, the other Train and Save off with their reasons, a reload asks first',
    / left · /.test(withEta) && charsOff && storageOff && asksBeforeUnload,
    `${withEta} | chars: ${charsNote} | storage: ${storageNote} | beforeunload prevented ${asksBeforeUnload}`,
  );
  check('the live region announces epochs, not every update', announced.startsWith('Epoch 1 of 2 done: test accuracy'), announced);
  const first = await num('sentiment-train-card', 'data-loss-first');
  const recent = await num('sentiment-train-card', 'data-loss-recent');
  const steps = await num('sentiment-train-card', 'data-steps');
  check('the sentiment loss falls', recent < first - 0.1, `${first.toFixed(3)} → ${recent.toFixed(3)} over ${steps} updates`);
  const testAccuracy = await num('sentiment-train-card', 'data-test-accuracy');
  check('test accuracy beats chance', testAccuracy > 0.6, `test accuracy ${testAccuracy.toFixed(3)} on 500 held-out reviews`);
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated === true);
  const kernelThreads = await num('backend', 'data-kernel-threads');
  const kernelHelpers = await num('backend', 'data-kernel-helpers');
  check(
    'the recurrence kernel trained on helper threads (cross-origin isolated page)',
    isolated && kernelThreads >= 2 && kernelHelpers >= 1,
    `crossOriginIsolated ${isolated}; kernel threads ${kernelThreads}, helpers running ${kernelHelpers}`,
  );

  // 3. classify two sentences
  const classify = async (review) => {
    await page.getByTestId('review-input').fill(review);
    const before = await page.getByTestId('review-score-value').textContent();
    await page.getByTestId('review-score').click();
    await page.waitForFunction(
      ([previous]) => {
        const t = document.querySelector('[data-testid="review-score-value"]')?.textContent ?? '';
        return t !== '' && t !== previous;
      },
      [before],
      { timeout: 30_000 },
    );
    const value = await page.getByTestId('review-score-value').textContent();
    const chips = await page.locator('[data-testid="review-words"] .word').count();
    return { p: Number(/([0-9.]+)$/.exec(value ?? '')?.[1]), chips };
  };
  const positive = await classify('A wonderful film with a great story and brilliant acting. I loved it and highly recommend it.');
  const negative = await classify('The worst movie I have ever seen. Awful acting, a boring plot and a complete waste of time.');
  check(
    'a sentence is classified with per-word contributions',
    positive.p >= 0 && positive.p <= 1 && negative.chips === 18 && positive.chips === 17,
    `p(positive | positive text) = ${positive.p.toFixed(3)}, ${positive.chips} word chips; negative text ${negative.p.toFixed(3)}, ${negative.chips} chips`,
  );
  check('the positive sentence scores above the negative one', positive.p > negative.p, `${positive.p.toFixed(3)} > ${negative.p.toFixed(3)}`);

  // 6. no verdict for nothing, a warning for little
  const empty = await scoreReview('');
  const blank = await scoreReview('   \n  ');
  const chinese = await scoreReview('这部电影真的很好看，我非常喜欢。');
  const thin = await scoreReview('great xqzvt plokjw brrrmf');
  check(
    'no verdict for an empty or whitespace review',
    empty.verdict === '' && blank.verdict === '' && empty.warning.startsWith('There are no words to score'),
    `${JSON.stringify(empty)} ${JSON.stringify(blank)}`,
  );
  check('no verdict, and a warning, when no word is one the model knows', chinese.verdict === 'No verdict' && /^No verdict: none of the 1 word/.test(chinese.warning), chinese.warning);
  await visit('desktop 1920×1080, few known words: a score with a warning', 'desktop-few-known.png');
  check('a warning when few words are known', thin.verdict !== 'No verdict' && thin.verdict !== '' && thin.warning.startsWith('Only 1 of the 4 words'), `${thin.verdict}: ${thin.warning}`);

  // 6. a test review keeps its label beside the verdict
  const scoresBefore = Number(await attr('sentiment-tools', 'data-scores'));
  await page.getByTestId('review-random').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="sentiment-tools"]')?.getAttribute('data-scores')) > n, scoresBefore, { timeout: 30_000 });
  const truth = await text('review-truth');
  check('a scored test review keeps its label and says whether the model agrees', (await page.getByTestId('review-truth').isVisible()) && /labelled (positive|negative): the model (agrees|gets it wrong)/.test(truth), truth);

  // 6. a 3,000-word review: chips for the words read, one folded line for the rest
  const longReview = Array.from({ length: 3000 }, (_, i) => ['a', 'good', 'film', 'but', 'too', 'long'][i % 6]).join(' ');
  await scoreReview(longReview);
  const longChips = await page.locator('[data-testid="review-words"] .word').count();
  const folded = await text('review-unread');
  const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  await visit('desktop 1920×1080, a long review', 'desktop-long-review.png');
  check(
    'a long review folds the words the model does not read',
    longChips === 100 && folded.startsWith('2,900 earlier words not read — the model reads only the last 100') && pageHeight < 3000,
    `${longChips} chips; “${folded.slice(0, 70)}”; page ${pageHeight} px tall`,
  );

  // 6. a stopped run keeps the last good model, its charts and figures, and says so
  const accuracyBefore = await attr('sentiment-train-card', 'data-test-accuracy');
  await page.getByTestId('sentiment-cell').selectOption('gru');
  await page.getByTestId('sentiment-epochs').fill('5');
  await page.getByTestId('sentiment-train').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="sentiment-train-card"]')?.getAttribute('data-steps')) >= 3, undefined, { timeout: 60_000 });
  await page.getByTestId('sentiment-stop').click();
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="stopped"]', { timeout: 30_000 });
  const keptNote = await text('sentiment-status');
  const markers = await page.locator('[data-testid="sentiment-accuracy-chart"] circle.marker').count();
  const keptSummary = await text('sentiment-summary');
  const keptScore = await classify('A wonderful film with a great story and brilliant acting. I loved it and highly recommend it.');
  await visit('desktop 1920×1080, a stopped run gave way to the previous one', 'desktop-stopped-kept.png');
  check(
    'a stopped run keeps the last good model and says what is on screen',
    (await attr('sentiment-train-card', 'data-kept')) === 'previous' &&
      keptNote.includes('On screen and in use: the previous model (LSTM') &&
      (await attr('sentiment-train-card', 'data-test-accuracy')) === accuracyBefore &&
      markers === 2 &&
      /lstm/i.test(keptSummary) &&
      keptScore.p.toFixed(3) === positive.p.toFixed(3),
    `${keptNote} | ${markers} test markers; p = ${keptScore.p.toFixed(3)} (before ${positive.p.toFixed(3)})`,
  );

  // 4. the trained model survives a reload through IndexedDB, with its run's settings and charts
  const storage = async (task, action, word) => {
    await page.getByTestId(`${task}-model-${action}`).click();
    await page.waitForFunction(([t, w]) => (document.querySelector(`[data-testid="${t}-model-storage"]`)?.textContent ?? '').startsWith(w), [task, word], { timeout: 30_000 });
    return text(`${task}-model-storage`);
  };
  const savedNote = await storage('sentiment', 'save', 'Saved');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const loadedNote = await storage('sentiment', 'load', 'Loaded');
  const again = await classify('A wonderful film with a great story and brilliant acting. I loved it and highly recommend it.');
  check(
    'the model saved to IndexedDB scores the same after a reload',
    again.p.toFixed(3) === positive.p.toFixed(3),
    `${savedNote} → reload → ${loadedNote}; p = ${again.p.toFixed(3)} (before: ${positive.p.toFixed(3)})`,
  );
  const loadedStatus = await text('sentiment-status');
  check(
    "a loaded model brings back its run's settings and charts",
    loadedStatus.startsWith("Loaded from this browser's storage") &&
      (await page.getByTestId('sentiment-cell').inputValue()) === 'lstm' &&
      (await page.getByTestId('sentiment-epochs').inputValue()) === '2' &&
      (await page.locator('[data-testid="sentiment-accuracy-chart"] circle.marker').count()) === 2,
    loadedStatus,
  );

  // 4. the heat-map (drawn after training and after each classification)
  // (a canvas is 300 px wide before anything is drawn: wait for the series tabs, which come with a drawing)
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="sentiment-inspector"] .series-tab').length > 0, undefined, { timeout: 30_000 });
  const tabs = await page.locator('[data-testid="sentiment-inspector"] .series-tab').allTextContents();
  check('the hidden-state heat-map is drawn', tabs.join(',') === 'h,c,i,f,c̃,o', `series ${tabs.join(', ')}`);
  const heatLabel = (await attr('sentiment-heatmap', 'aria-label')) ?? '';
  check('the heat-map has a text alternative', heatLabel.startsWith('Heat map of h: 32 units by'), heatLabel);
  await visit('desktop 1920×1080, trained: scores and inspector', 'desktop-scores-inspector.png');

  // 7. the tabs answer the arrow keys
  await page.getByTestId('tab-sentiment').focus();
  await page.keyboard.press('ArrowRight');
  const byKey = await page.evaluate(() => [document.activeElement?.id, document.getElementById('tab-chars')?.getAttribute('aria-selected'), document.getElementById('panel-chars')?.hidden]);
  check('the tabs move with the arrow keys and show their tabpanel', byKey[0] === 'tab-chars' && byKey[1] === 'true' && byKey[2] === false, JSON.stringify(byKey));

  // 6. the generation length and the character inspector check their input
  const lengthCases = [];
  for (const value of ['0', '-50', '20000']) {
    await page.getByTestId('gen-length').fill(value);
    lengthCases.push({ value, message: await text('gen-length-error'), off: await page.getByTestId('generate').isDisabled() });
  }
  check(
    'the generation length must be 20 to 2,000 (message beside it, Generate off)',
    lengthCases.every((c) => c.off && /^Characters must be a whole number from 20 to 2,000/.test(c.message)),
    lengthCases.map((c) => `${c.value}: “${c.message}”`).join('; '),
  );

  // 5. a short character-level run and generation
  await page.getByTestId('chars-epochs').fill('1');
  await page.getByTestId('chars-units').fill('64');
  await page.getByTestId('chars-train').click();
  await page.waitForSelector('[data-testid="chars-train-card"][data-state="done"]', { timeout: 180_000 });
  const charFirst = await num('chars-train-card', 'data-loss-first');
  const charRecent = await num('chars-train-card', 'data-loss-recent');
  check('the character loss falls', charRecent < charFirst - 0.5, `${charFirst.toFixed(3)} → ${charRecent.toFixed(3)} nats per character`);
  await page.getByTestId('prompt-input').fill('ROMEO:\n');
  await page.getByTestId('gen-length').fill('200');
  await page.getByTestId('generate').click();
  await page.waitForSelector('[data-testid="generated"]:not([hidden])', { timeout: 30_000 });
  const generated = (await page.getByTestId('generated').textContent()) ?? '';
  check('text is generated from a prompt', generated.startsWith('ROMEO:\n') && generated.length === 'ROMEO:\n'.length + 200, JSON.stringify(generated.slice(0, 60) + '…'));
  await page.waitForFunction(() => (document.querySelector('[data-testid="chars-heatmap"]')?.width ?? 0) > 0, undefined, { timeout: 30_000 });
  await page.getByTestId('chars-inspect-input').fill('日本語のテキスト');
  await page.getByTestId('chars-inspect').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="chars-inspect-note"]')?.textContent ?? '') !== '', undefined, { timeout: 30_000 });
  const inspectNote = await text('chars-inspect-note');
  check('the inspector shows no old heat-map under its message', inspectNote === 'The text has no character the model knows.' && !(await page.getByTestId('chars-heatmap').isVisible()), inspectNote);
  await page.getByTestId('chars-inspect-input').fill('To be, or not to be');
  await page.getByTestId('chars-inspect').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="chars-heatmap"]')?.checkVisibility(), undefined, { timeout: 30_000 });
  await visit('desktop 1920×1080, characters: trained, generated, inspector', 'desktop-chars.png');

  // 6. the Characters tab saves and loads its model too
  const charsSaved = await storage('chars', 'save', 'Saved');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.getByTestId('tab-chars').click();
  const charsLoaded = await storage('chars', 'load', 'Loaded');
  const loadedUnits = await page.getByTestId('chars-units').inputValue();
  await page.getByTestId('prompt-input').fill('ROMEO:\n');
  await page.getByTestId('gen-length').fill('120');
  await page.getByTestId('generate').click();
  await page.waitForSelector('[data-testid="generated"]:not([hidden])', { timeout: 30_000 });
  const regenerated = (await page.getByTestId('generated').textContent()) ?? '';
  check(
    'the character model is saved, loaded after a reload (with its settings), and generates',
    regenerated.length === 'ROMEO:\n'.length + 120 && loadedUnits === '64',
    `${charsSaved} → ${charsLoaded}; units ${loadedUnits}; ${JSON.stringify(regenerated.slice(0, 40) + '…')}`,
  );

  // 6. a run that overfits says so
  await page.getByTestId('tab-sentiment').click();
  await page.getByTestId('sentiment-units').fill('64');
  await page.getByTestId('sentiment-learningRate').fill('0.01');
  await page.getByTestId('sentiment-epochs').fill('3');
  await page.getByTestId('sentiment-train').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="sentiment-announce"]')?.textContent ?? '').startsWith('Epoch 1 of 3 done'), undefined, { timeout: 120_000 });
  await visit('desktop 1920×1080, training', 'desktop-training.png');
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="done"]', { timeout: 180_000 });
  const overfit = (await page.getByTestId('sentiment-overfitting').isVisible()) ? await text('sentiment-overfitting') : '';
  check('a run whose test loss rises while its training loss falls is called overfitting', overfit.startsWith('Overfitting: the test loss rose'), overfit || (await text('sentiment-status')));

  // 7. a phone (390×844): charts stacked and legible, and every state again
  await page.setViewportSize({ width: 390, height: 844 });
  await settled();
  const charts = await page.evaluate(() => {
    const [loss, accuracy] = [...document.querySelectorAll('[data-testid="sentiment-train-card"] .chart')].map((c) => c.getBoundingClientRect());
    const tick = document.querySelector('[data-testid="sentiment-train-card"] .chart .tick')?.getBoundingClientRect();
    return { stacked: accuracy.top >= loss.bottom, width: Math.round(loss.width), tickHeight: tick?.height ?? 0 };
  });
  check('on a phone the charts are stacked, full width, with legible ticks', charts.stacked && charts.width > 300 && charts.tickHeight >= 10, JSON.stringify(charts));
  await scoreReview('The cast does a great job and the music is lovely, but the story is slow and predictable.');
  await page.waitForFunction(() => (document.querySelector('[data-testid="sentiment-heatmap"]')?.getAttribute('aria-label') ?? '').startsWith('Heat map of h: 64 units by 19 tokens'), undefined, {
    timeout: 30_000,
  });
  const heatFits = await page.evaluate(() => {
    const card = document.querySelector('[data-testid="sentiment-inspector"]').getBoundingClientRect();
    return document.querySelector('[data-testid="sentiment-heatmap"]').getBoundingClientRect().right <= card.right;
  });
  check('on a phone the heat-map is drawn to the width of its card', heatFits);
  await visit('phone 390×844, trained: scores and inspector', 'phone-scores-inspector.png');
  await page.getByTestId('sentiment-units').fill('');
  await visit('phone 390×844, a field in error', 'phone-validation.png');
  await page.getByTestId('sentiment-units').fill('32');
  await page.getByTestId('sentiment-learningRate').fill('0.003');
  await page.getByTestId('sentiment-epochs').fill('3');
  await page.getByTestId('sentiment-train').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="sentiment-announce"]')?.textContent ?? '').startsWith('Epoch 1 of 3 done'), undefined, { timeout: 120_000 });
  await visit('phone 390×844, training', 'phone-training.png');
  await page.getByTestId('sentiment-stop').click();
  await page.waitForSelector('[data-testid="sentiment-train-card"]:is([data-state="stopped"], [data-state="done"])', { timeout: 60_000 });
  const stoppedLate = await text('sentiment-status');
  check(
    'a run stopped after its first epoch keeps its own model and says so',
    (await attr('sentiment-train-card', 'data-kept')) === 'this run' && /^(Stopped|Done) after \d+ updates in [\d.]+ s — LSTM · 32 units/.test(stoppedLate),
    stoppedLate,
  );
  await page.getByTestId('tab-chars').click();
  await visit('phone 390×844, characters', 'phone-chars.png');
  await page.setViewportSize({ width: 360, height: 800 });
  await page.getByTestId('tab-sentiment').click();
  await visit('phone 360×800, sentiment');

  // no sideways scrolling at any width from 360 px up, on either tab
  const wide = [];
  for (const width of [360, 375, 414, 480, 600, 768, 900, 1024, 1280, 1440, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    for (const task of ['sentiment', 'chars']) {
      await page.getByTestId(`tab-${task}`).click();
      await settled();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) wide.push(`${task} at ${width} px: ${overflow} px too wide`);
    }
  }
  check('no horizontal overflow at any width from 360 to 1920 px', wide.length === 0, wide.join('; ') || '11 widths × 2 tabs');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await visit('phone 390×844, fresh', 'phone-fresh.png');

  // 9. a Keras file dropped on the page
  const dropFile = (bytes, name) =>
    page.getByTestId('keras-drop').evaluate(
      (zone, [values, fileName]) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(values)], fileName));
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [bytes, name],
    );
  const kerasSettled = () => page.waitForFunction(() => !document.querySelector('[data-testid="keras-drop"]')?.hasAttribute('aria-busy'), undefined, { timeout: 60_000 });
  await dropFile(keras.sentiment, 'imdb-lstm.keras');
  await page.waitForFunction(() => (document.querySelector('[data-testid="keras-status"]')?.textContent ?? '').startsWith('Scoring with'), undefined, { timeout: 60_000 });
  const opened = await text('keras-status');
  const openedSummary = await text('keras-summary');
  check(
    'a dropped .keras file becomes the sentiment model: the page names it and shows its summary',
    /^Scoring with imdb-lstm\.keras \(dropped at .*embedding → lstm → dense, 16,553 parameters\.$/.test(opened) && /e2e_sentiment/.test(openedSummary) && !(await page.getByTestId('keras-error').isVisible()),
    opened,
  );
  await scoreReview(KERAS_REVIEW);
  const pageScore = Number(await attr('review-score-value', 'data-p'));
  check('a review is scored by the dropped model as the same model scores it in Node (within 1e-5)', Math.abs(pageScore - keras.scores[0]) < 1e-5, `page ${pageScore}, Node ${keras.scores[0]}`);
  await visit('phone 390×844, a Keras file opened', 'phone-keras-opened.png');
  await page.getByTestId('keras-file').setInputFiles({ name: 'features.keras', mimeType: 'application/octet-stream', buffer: Buffer.from(keras.features) });
  await page.waitForFunction(() => !(document.querySelector('[data-testid="keras-error"]')?.hidden ?? true), undefined, { timeout: 60_000 });
  await kerasSettled();
  const misfit = await text('keras-error');
  check(
    'a Keras model on float features, chosen with the file input, is refused with what it takes',
    /features\.keras is a Keras model \(lstm → dense\).*takes \[B, 100, 3\] floats .*not word ids/.test(misfit) && (await text('keras-status')) === opened,
    misfit,
  );
  const corrupt = Uint8Array.from(keras.sentiment.slice(0, 600));
  corrupt.fill(7, 30, 200);
  await dropFile([...corrupt], 'broken.keras');
  await page.waitForFunction(() => /broken\.keras/.test(document.querySelector('[data-testid="keras-error"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  await kerasSettled();
  const broken = await text('keras-error');
  await scoreReview(KERAS_REVIEW);
  const afterScore = Number(await attr('review-score-value', 'data-p'));
  check(
    "a corrupt file gets the loader's message beside the drop zone, and the model in use stays",
    /^Could not use broken\.keras — the model in use has not changed\. loadKerasModel: broken\.keras: /.test(broken) && (await text('keras-status')) === opened && afterScore === pageScore,
    broken,
  );
  await visit('phone 390×844, a corrupt Keras file refused', 'phone-keras-error.png');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await visit('desktop 1920×1080, a corrupt Keras file refused', 'desktop-keras-error.png');

  check('the page logged no errors', problems.length === 0, problems.join('; ') || undefined);
} catch (error) {
  check('the run completed', false, error instanceof Error ? error.message : String(error));
  await page.screenshot({ path: join(outDir, 'failure.png'), fullPage: true }).catch(() => undefined);
} finally {
  await context.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
  rmSync(profile, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`e2e: ${results.length - failed} of ${results.length} checks passed in ${elapsed()}; screenshots in ${outDir}`);
process.exit(failed === 0 ? 0 : 1);
