// The dashboard in a real browser (Debian's chromium, driven by playwright-core): log in with
// the settings password, change a setting and see it stored through the API, turn charging off
// and watch the pack current on the status page fall to about 0 A, and save a screenshot.
//
//   node dashboard.test.mjs BASE_URL SCREENSHOT_PATH
// tests/test_app_browser.py starts `softbms run --charge-a 20` and runs this.
import assert from 'node:assert/strict';
import { launch, waitFor } from './support.mjs';

const [base, screenshot] = process.argv.slice(2);
assert.ok(base && screenshot, 'usage: node dashboard.test.mjs BASE_URL SCREENSHOT_PATH');

async function api(path) {
  const r = await fetch(new URL(path, base));
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
}

// The amps in "20.03 A (charging)".
async function currentShown(page) {
  const text = await page.locator('#pack-current').textContent();
  const m = /(-?\d+(?:\.\d+)?) A/.exec(text ?? '');
  return m ? Number(m[1]) : NaN;
}

const { context: browser, close } = await launch({ viewport: { width: 1280, height: 900 } });
const steps = [];
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  await page.goto(new URL('/#/status', base).href);
  await waitFor('the charge current on the status page', async () => {
    const a = await currentShown(page);
    return { ok: a > 15, amps: a };
  });
  steps.push('status page shows the 20 A charge');

  await page.fill('#login-password', '123456');
  await page.click('#login-submit');
  await page.locator('#logout').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#login-state').textContent(), 'Logged in');
  steps.push('logged in');

  const before = (await api('/api/packs/1/settings')).balance_trigger_delta;
  const wanted = before === 15 ? 12 : 15;
  await page.goto(new URL('/#/settings', base).href);
  // The form shows volts, as the JK app does; the API keeps millivolts.
  await page.locator('#param-balance_trigger_delta').fill(String(wanted / 1000));
  await page.click('#save-settings');
  await waitFor('the save to be confirmed', async () => {
    const t = await page.locator('#settings-status').textContent();
    return { ok: /^Saved: .*balance_trigger_delta/.test(t ?? ''), text: t };
  });
  assert.equal((await api('/api/packs/1/settings')).balance_trigger_delta, wanted);
  steps.push(`balance_trigger_delta ${before} -> ${wanted} mV, stored`);

  await page.goto(new URL('/#/control', base).href);
  const charge = page.locator('#switch-charge');
  await charge.waitFor();
  assert.equal(await charge.getAttribute('aria-pressed'), 'true');
  await charge.click();
  await waitFor('the switch to be confirmed', async () => {
    const t = await page.locator('#control-status').textContent();
    return { ok: t === 'charge switched off', text: t };
  });
  assert.equal((await api('/api/packs/1/settings')).charge_enabled, 0);
  steps.push('charging switched off');

  await page.goto(new URL('/#/status', base).href);
  const off = await waitFor('the pack current to fall to about 0 A', async () => {
    const a = await currentShown(page);
    const fet = await page.locator('#pack-charge-fet').textContent();
    return { ok: Math.abs(a) < 0.5, amps: a, fet };
  });
  steps.push(`pack current ${off.amps} A, charge MOS "${off.fet}"`);

  const events = await api('/api/packs/1/events');
  assert.ok(events.events.some((e) => e.type === 'switch_changed' && e.origin === 'web'),
    'the board logged the switch with origin web');
  assert.ok(events.writes.some((w) => w.action.startsWith('switch') && w.result === 'ok' && w.who.startsWith('web ')),
    'the write log names the session');
  steps.push('event log: switch_changed by web');

  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(problems, []);
  for (const s of steps) console.log(`ok - ${s}`);
  console.log(`screenshot: ${screenshot}`);
} finally {
  await close();
}
