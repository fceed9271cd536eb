// The dashboard's layout in Debian's chromium at a desktop (1280x800) and a phone (390x844)
// size: no page is wider than the window, the cell bars are wide enough to read, the status
// page shows SOC as a gauge, the lowest and highest cell with their numbers, the age of the data,
// a red alarm banner and the charge MOSFET that an alarm turned off; the history offers 7 d and
// 30 d, 24 h time in an en-US browser (whose default is 12 h) and a CSV with units in its
// header; the settings form is grouped as in the JK app and shows volts. A screenshot of every
// page at both sizes goes to ARTIFACTS_DIR.
//
// With SOFTBMS_PID, softbms is also held (SIGSTOP) for a while: the status page must show the
// data growing old in red, and catch up once softbms runs again (SIGCONT).
//
//   node layout.test.mjs BASE_URL ARTIFACTS_DIR [SOFTBMS_PID]
// tests/test_app_browser.py starts `softbms run --charge-a 20` and runs this.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, waitFor } from './support.mjs';

const [base, artifacts, serverPid] = process.argv.slice(2);
assert.ok(base && artifacts, 'usage: node layout.test.mjs BASE_URL ARTIFACTS_DIR [SOFTBMS_PID]');
const MIN_BAR_PX = 100; // a 3 mV step is then still a visible change of the bar

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];
// Each page with an element that shows it has rendered.
const PAGES = [
  ['status', '#soc-gauge'],
  ['cells', '#cells .cell'],
  ['history', '#chart-power .uplot'],
  ['events', '#events'],
  ['settings', '#settings-form .param'],
  ['control', '#switch-charge'],
  ['device', '#device-info'],
];

async function api(path, body) {
  const r = await fetch(new URL(path, base), body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json().catch(() => ({})) };
}

// Clicks a button of the owner's commands and waits for the words it answers with.
async function act(page, button, expected) {
  await page.click(button);
  return waitFor(`${button} to answer`, async () => {
    const text = await page.locator(`${button}-status`).textContent();
    return { ok: expected.test(text ?? ''), text };
  });
}

// The page's width against the window's, and the elements that reach past the window's edge.
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) {
        wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}: right ${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8) };
  });
}

const steps = [];
const { context: browser, close } = await launch({
  locale: 'en-US', acceptDownloads: true, viewport: { width: 1280, height: 800 } });
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(new URL('/#/status', base).href);
  await page.locator('#soc-gauge').waitFor();
  await page.fill('#login-password', '123456');
  await page.click('#login-submit');
  await page.locator('#logout').waitFor({ state: 'visible' });

  // An alarm, set through the grouped settings form in the app's units: the pack is at 25 °C,
  // so a charge over-temperature limit of 20 °C trips and the charge MOSFET goes off.
  await page.goto(new URL('/#/settings', base).href);
  const group = page.locator('#group-temperature-protection');
  await group.waitFor();
  assert.match(await group.locator('legend').textContent(), /Temperature protection/);
  assert.match(await page.locator('label[for="param-charge_otp"]').textContent(), /Charge OTP/);
  assert.equal(await page.locator('#param-cell_ovp').inputValue(), '3.6', 'cell OVP in volts');
  assert.match(await page.locator('#param-cell_ovp').locator('xpath=../..').textContent(), /1\.000 to 5\.000 V/);
  await page.locator('#param-charge_otp').fill('20');
  await page.locator('#param-charge_otpr').fill('15');
  await page.click('#save-settings');
  await waitFor('the save', async () => {
    const t = await page.locator('#settings-status').textContent();
    return { ok: /^Saved: .*charge_otp/.test(t ?? ''), text: t };
  });
  steps.push('settings grouped as in the JK app, cell OVP shown as 3.6 V, charge OTP 20 °C saved');

  // Calibration as in the JK app's parameter page: a meter reading 1 % above the board's.
  const volts = (await api('/api/packs/1/snapshot')).json.voltage;
  await page.locator('#calibrate-voltage').fill((volts * 1.01).toFixed(2));
  const cal = await act(page, '#calibrate-voltage-set', /^Calibrated: factor 1\.0(0[5-9]|1[0-5])\d$/);
  const factor = (await api('/api/packs/1/settings')).json.voltage_calibration;
  assert.ok(factor > 1_005_000 && factor < 1_015_000, `voltage_calibration ${factor} ppm`);
  // With the charge MOSFET off no current flows: the board refuses, and the page says why.
  await page.locator('#calibrate-current').fill('5');
  const refused = await act(page, '#calibrate-current-set', /^Refused: current_a: calibrate while at least 1 A flows/);
  steps.push(`calibration: pack ${volts} V -> "${cal.text}" (${factor} ppm); current "${refused.text.slice(0, 60)}…"`);

  await page.goto(new URL('/#/device', base).href);
  await page.locator('#device-info').waitFor();
  const model = (await api('/api/packs/1/device')).json.model;
  assert.equal(await page.locator('#device-model').textContent(), model);
  await page.locator('#device-name').fill('Garage1');
  await act(page, '#device-name-set', /^Named Garage1$/);
  assert.equal((await api('/api/packs/1/device')).json.device_name, 'Garage1');
  await page.locator('#confirm-reset-counters').check();
  await act(page, '#reset-counters', /^Counters reset$/);
  steps.push(`device page: ${model}, named Garage1 (stored), counters reset`);

  await page.goto(new URL('/#/status', base).href);
  // Text, colour and the MOS field are read together: on a loaded machine a separate read of
  // the colour came after a re-render and found no banner (an empty colour).
  const alarm = await waitFor('the red alarm banner and the charge MOS off', async () => {
    const banner = await page.locator('#alarm-banner').textContent().catch(() => '');
    const colour = await page.locator('#alarm-banner').evaluate((e) => getComputedStyle(e).backgroundColor).catch(() => '');
    const cls = await page.locator('#pack-charge-fet').evaluate((e) => e.closest('.field').className).catch(() => '');
    return { ok: /over-temperature/i.test(banner ?? '') && /fet-off/.test(cls) && colour !== '', banner, colour, cls };
  });
  assert.equal(alarm.colour, 'rgb(220, 38, 38)', 'the banner is red');
  const bannerTop = await page.locator('#alarm-banner').evaluate((e) => e.getBoundingClientRect().top);
  const gaugeTop = await page.locator('#soc-gauge').evaluate((e) => e.getBoundingClientRect().top);
  assert.ok(bannerTop < gaugeTop, 'the banner is above the values');
  steps.push(`alarm banner "${alarm.banner}", charge MOS field ${alarm.cls}`);
  assert.match(await page.locator('#soc-gauge').textContent(), /^\d+ %SOC$/);
  assert.match(await page.locator('#pack-cell-min').textContent(), /^\d\.\d{3} V · cell \d+$/);
  assert.match(await page.locator('#pack-cell-max').textContent(), /^\d\.\d{3} V · cell \d+$/);
  // The model's SOC with its doubt (one sigma), as the snapshot JSON gives them.
  const modelSoc = await waitFor('the model SOC with its doubt', async () => {
    const text = await page.locator('#pack-soc-model').textContent().catch(() => '');
    return { ok: /^\d+\.\d % ± \d+\.\d %$/.test(text ?? ''), text };
  });
  steps.push(`estimator: model SOC "${modelSoc.text}"`);
  const age = await page.locator('#data-age').textContent();
  assert.match(age, /^Data of \d{2}:\d{2}:\d{2} \((just now|\d s ago)\)$/, 'the age of the data, 24 h clock');
  steps.push(`status: gauge "${await page.locator('#soc-gauge').textContent()}", lowest ${await page.locator('#pack-cell-min').textContent()}, "${age}"`);

  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const [name, ready] of PAGES) {
      await page.goto(new URL(`/#/${name}`, base).href);
      await page.locator(ready).first().waitFor();
      await page.waitForTimeout(300); // the stream's next render and the charts' layout
      const o = await overflow(page);
      assert.ok(o.scrollWidth <= o.width && o.wide.length === 0,
        `${name} at ${size.width}x${size.height} overflows: ${JSON.stringify(o)}`);
      await page.screenshot({ path: join(artifacts, `dashboard-${size.name}-${name}.png`), fullPage: true });
    }
    const bars = await page.goto(new URL('/#/cells', base).href).then(() => page.locator('#cells .bar').first().waitFor())
      .then(() => page.locator('#cells .bar').evaluateAll((els) => els.map((e) => e.getBoundingClientRect())));
    const narrowest = Math.min(...bars.map((r) => r.width));
    assert.ok(bars.length === 16 && narrowest >= MIN_BAR_PX && bars.every((r) => r.height >= 12),
      `cell bars at ${size.width}: ${bars.length}, narrowest ${narrowest} px`);
    // Read in one go: the page is drawn again with every snapshot.
    const marked = await page.evaluate(() => ['cell-lowest', 'cell-highest'].map((cls) => {
      const row = document.querySelector(`#cells .${cls}`);
      return { cls, text: row?.textContent, fill: row?.querySelector('.bar > span')?.getBoundingClientRect().width };
    }));
    assert.ok(marked[1].fill > marked[0].fill, `the highest cell has the longest bar: ${JSON.stringify(marked)}`);
    steps.push(`${size.width}x${size.height}: no page overflows; 16 cell bars, narrowest ${Math.round(narrowest)} px`);
  }

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(new URL('/#/history', base).href);
  await page.locator('#chart-power .uplot').waitFor();
  // The axes are drawn on a canvas; the legend shows the time under the pointer as text.
  await page.locator('#chart-power .u-over').hover();
  const axis = await page.locator('#chart-power .u-legend .u-series').first().textContent();
  assert.match(axis, /\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}:\d{2}/);
  assert.doesNotMatch(axis, /AM|PM/, 'a 24 h clock in an en-US browser');
  const legend = await page.locator('#chart-cells .u-legend').textContent();
  assert.match(legend, /Lowest cell \(V\).*Highest cell \(V\)/);
  // Every cell's line instead of the band: 16 cells, named with their unit, fitting a phone.
  await page.click('#cells-all');
  const cellLegend = await waitFor('every cell in the chart', async () => {
    const names = await page.locator('#chart-cells .u-legend .u-series .u-label').allTextContents();
    return { ok: names.length === 17, names };
  });
  assert.equal(cellLegend.names[16], 'Cell 16 (V)');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const o = await overflow(page);
  assert.ok(o.scrollWidth <= o.width && o.wide.length === 0, `every cell at 390: ${JSON.stringify(o)}`);
  await page.locator('#chart-cells').screenshot({ path: join(artifacts, 'history-every-cell-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  steps.push(`history: every cell (${cellLegend.names.slice(1, 3).join(', ')}, … ${cellLegend.names[16]}) fits 390 px`);
  await page.click('#cells-band');
  await page.locator('#cells-band.on').waitFor();

  await page.click('#range-30d');
  await waitFor('the 30 d range', async () => {
    const t = await page.locator('#history-range').textContent();
    return { ok: /averages of 15 min from the stored history/.test(t ?? ''), text: t };
  });
  await page.click('#range-7d');
  await page.locator('#range-7d.on').waitFor();
  await page.click('#range-1h');
  await page.locator('#range-1h.on').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#history-csv')]);
  const csv = readFileSync(await download.path(), 'utf8').split('\n');
  assert.match(csv[0], /^time,unix_s,power \[W\],current \[A\],voltage \[V\],soc \[%\],cell_min \[V\],cell_max \[V\],cell_delta \[V\],/);
  assert.ok(csv.length >= 3 && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z,\d+(\.\d+)?,-?\d/.test(csv[1]), `CSV rows: ${csv.slice(0, 3)}`);
  steps.push(`history: 24 h legend time "${axis.slice(0, 30)}", 7 d and 30 d ranges, CSV of ${csv.length - 2} rows: ${csv[0].slice(0, 60)}…`);

  // Passwords last: a mistyped repetition is caught in the page, then the change is stored and
  // the new password logs in.
  await page.goto(new URL('/#/device', base).href);
  await page.locator('#password-old').fill('123456');
  await page.locator('#password-new').fill('abcd1234');
  await page.locator('#password-repeat').fill('abcd1235');
  await act(page, '#password-set', /^Refused: The new password and its repetition differ$/);
  await page.locator('#password-repeat').fill('abcd1234');
  await act(page, '#password-set', /^The settings password is changed$/);
  assert.equal((await api('/api/login', { password: 'abcd1234' })).status, 200);
  steps.push('settings password changed on the device page; the new one logs in');

  if (serverPid) {
    await page.goto(new URL('/#/status', base).href);
    await page.locator('#data-age').waitFor();
    process.kill(Number(serverPid), 'SIGSTOP');
    try {
      const stale = await waitFor('the data to show its age', async () => {
        const text = await page.locator('#data-age').textContent();
        const cls = await page.locator('#data-age').getAttribute('class');
        return { ok: /\((1[2-9]|[2-9]\d) s ago\)$/.test(text ?? '') && /stale/.test(cls ?? ''), text, cls };
      });
      steps.push(`softbms held: "${stale.text}" in red`);
    } finally {
      process.kill(Number(serverPid), 'SIGCONT');
    }
    const fresh = await waitFor('fresh data again', async () => {
      const text = await page.locator('#data-age').textContent();
      const cls = await page.locator('#data-age').getAttribute('class');
      return { ok: /\((just now|[0-5] s ago)\)$/.test(text ?? '') && !/stale/.test(cls ?? ''), text, cls };
    });
    steps.push(`softbms running again: "${fresh.text}"`);
  }

  assert.deepEqual(problems, []);
  for (const s of steps) console.log(`ok - ${s}`);
} finally {
  await close();
}
