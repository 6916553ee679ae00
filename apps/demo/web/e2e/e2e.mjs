/* global performance, document -- performance is Node's; document appears in functions that run in the page */
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
// and that the page logged no error. Screenshots go to web/e2e/out/ (gitignored).
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
const { build, preview } = await import('vite');

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const configFile = here('../../vite.config.ts');
const outDir = here('./out');
mkdirSync(outDir, { recursive: true });

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const results = [];
function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`e2e: ${ok ? 'ok  ' : 'FAIL'} ${name}${detail === undefined ? '' : ` — ${detail}`} (${elapsed()})`);
}

await build({ configFile, logLevel: 'error' });
const server = await preview({ configFile, logLevel: 'error', preview: { host: '127.0.0.1', port: 4173, strictPort: false } });
const url = server.resolvedUrls?.local[0];
if (url === undefined) throw new Error('e2e: vite preview did not report its URL');

const profile = mkdtempSync(join(tmpdir(), 'rnnkit-e2e-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1280, height: 900 },
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

try {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const backend = await page.getByTestId('backend').textContent();
  check('the worker runs on wasm', /^wasm/.test(backend ?? ''), backend ?? '');
  await page.screenshot({ path: join(outDir, 'start.png'), fullPage: true });

  // Stop ends a run between two updates
  await page.getByTestId('sentiment-epochs').fill('5');
  await page.getByTestId('sentiment-train').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="sentiment-train-card"]')?.getAttribute('data-steps')) >= 5, undefined, {
    timeout: 60_000,
  });
  await page.getByTestId('sentiment-stop').click();
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="stopped"]', { timeout: 30_000 });
  const stoppedAt = await num('sentiment-train-card', 'data-steps');
  check('Stop ends a run mid-epoch', stoppedAt < 20, `stopped after ${stoppedAt} of 315 updates`);

  // 2. a short sentiment run
  await page.getByTestId('sentiment-epochs').fill('2');
  await page.getByTestId('sentiment-train').click();
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="training"]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="sentiment-train-card"][data-state="done"]', { timeout: 180_000 });
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
  const classify = async (text) => {
    await page.getByTestId('review-input').fill(text);
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

  // 4. the trained model survives a reload through IndexedDB
  const storage = async (testId, word) => {
    await page.getByTestId(testId).click();
    await page.waitForFunction((w) => (document.querySelector('[data-testid="model-storage"]')?.textContent ?? '').startsWith(w), word, { timeout: 30_000 });
    return page.getByTestId('model-storage').textContent();
  };
  const savedNote = await storage('model-save', 'Saved');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const loadedNote = await storage('model-load', 'Loaded');
  const again = await classify('A wonderful film with a great story and brilliant acting. I loved it and highly recommend it.');
  check(
    'the model saved to IndexedDB scores the same after a reload',
    again.p.toFixed(3) === positive.p.toFixed(3),
    `${savedNote} → reload → ${loadedNote}; p = ${again.p.toFixed(3)} (before: ${positive.p.toFixed(3)})`,
  );

  // 4. the heat-map (drawn after training and after each classification)
  // (a canvas is 300 px wide before anything is drawn: wait for the series tabs, which come with a drawing)
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="sentiment-inspector"] .series-tab').length > 0, undefined, { timeout: 30_000 });
  const tabs = await page.locator('[data-testid="sentiment-inspector"] .series-tab').allTextContents();
  check('the hidden-state heat-map is drawn', tabs.join(',') === 'h,c,i,f,c̃,o', `series ${tabs.join(', ')}`);
  await page.screenshot({ path: join(outDir, 'sentiment.png'), fullPage: true });

  // 5. a short character-level run and generation
  await page.getByTestId('tab-chars').click();
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
  await page.screenshot({ path: join(outDir, 'chars.png'), fullPage: true });

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
