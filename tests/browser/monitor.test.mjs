// The status page of `softbms monitor` reading a board over TCP: how old the board's values are,
// and, once the board is gone, since when it is offline and why, in red, with the values kept.
//
//   node monitor.test.mjs MONITOR_URL BOARD_PID SCREENSHOT_PATH
// tests/test_app_browser.py starts the board (`softbms run --endpoint jk02:tcp:...`) and the
// monitor, and runs this; the board is ended with SIGTERM half-way.
import assert from 'node:assert/strict';
import { launch, waitFor } from './support.mjs';

const [base, boardPid, screenshot] = process.argv.slice(2);
assert.ok(base && boardPid && screenshot, 'usage: node monitor.test.mjs MONITOR_URL BOARD_PID SCREENSHOT_PATH');
const { context, close } = await launch({ locale: 'en-US', viewport: { width: 390, height: 844 } });
const steps = [];
try {
  const page = await context.newPage();
  await page.goto(new URL('/#/status', base).href);
  const age = async () => ({
    text: await page.locator('#data-age').textContent().catch(() => ''),
    cls: await page.locator('#data-age').getAttribute('class').catch(() => ''),
  });
  const read = await waitFor('the board read', async () => {
    const a = await age();
    return { ok: /^Board read at \d{2}:\d{2}:\d{2} \((just now|\d s ago)\)$/.test(a.text ?? ''), ...a };
  });
  steps.push(`board up: "${read.text}"`);
  process.kill(Number(boardPid), 'SIGTERM');
  const gone = await waitFor('the board offline', async () => {
    const a = await age();
    return { ok: /^Board offline since \d{2}:\d{2}:\d{2}: .+; values of \d{2}:\d{2}:\d{2} \(\d+ s ago\)$/.test(a.text ?? '') &&
      /stale/.test(a.cls ?? ''), ...a };
  });
  assert.match(await page.locator('#pack-voltage').textContent(), /^\d+\.\d\d V$/, 'the last values stay');
  await page.screenshot({ path: screenshot, fullPage: true });
  steps.push(`board gone: "${gone.text}" in red`);
  for (const s of steps) console.log(`ok - ${s}`);
} finally {
  await close();
}
