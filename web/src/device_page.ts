// What a JK owner does beside the parameters (docs/web.md, "The owner's commands"): calibrate
// voltage and current against a meter, name the board, change its passwords, reset its
// counters. Each is one POST; the server checks the value and the board applies it.
import { ApiError, get, post } from './api';
import { h, field } from './dom';

/** The body of POST .../calibrate from what the meter shows, or what is wrong with the text. */
export function calibrationBody(kind: 'voltage' | 'current', text: string):
  { body: Record<string, number> } | { error: string } {
  const t = text.trim().replace(',', '.');
  const n = Number(t);
  const what = kind === 'voltage' ? 'the measured pack voltage in V' : 'the measured current in A (+ = charging)';
  if (t === '' || !Number.isFinite(n)) return { error: `Enter ${what}` };
  if (kind === 'voltage' && n <= 0) return { error: 'The pack voltage is above 0 V' };
  return { body: kind === 'voltage' ? { voltage_v: n } : { current_a: n } };
}

/** The body of POST .../password, or why the form cannot be sent (the two new entries differ). */
export function passwordBody(which: string, old: string, fresh: string, repeat: string):
  { body: Record<string, string> } | { error: string } {
  if (fresh !== repeat) return { error: 'The new password and its repetition differ' };
  if (fresh === '') return { error: 'Enter the new password' };
  return { body: { which, old, new: fresh } };
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : (e as Error).message);

// An input with a button that sends it, and the outcome beside them.
function action(id: string, label: string, input: HTMLElement, button: string, run: () => Promise<string>,
  enabled: boolean): HTMLElement {
  const out = h('span', { id: `${id}-status`, class: 'label', role: 'status' });
  const b = h('button', { type: 'button', id, disabled: !enabled }, button);
  b.addEventListener('click', async () => {
    try {
      out.textContent = await run();
      out.classList.remove('alarm');
    } catch (e) {
      out.textContent = `Refused: ${message(e)}`;
      out.classList.add('alarm');
    }
  });
  return h('div', { class: 'param' }, h('label', {}, h('span', { class: 'plabel' }, label)),
    h('span', { class: 'pinput' }, input, b), h('small', { class: 'desc' }, out));
}

/** Calibration as the JK app has it on its parameter page: type what a meter shows, press Set. */
export function calibrationCard(pack: string, loggedIn: boolean): HTMLElement {
  const row = (kind: 'voltage' | 'current', label: string, unit: string) => {
    const input = h('input', { id: `calibrate-${kind}`, type: 'text', inputmode: 'decimal', size: 8 }) as HTMLInputElement;
    return action(`calibrate-${kind}-set`, `${label} (${unit})`, input, 'Set', async () => {
      const b = calibrationBody(kind, input.value);
      if ('error' in b) throw new Error(b.error);
      const r = await post<{ voltage_calibration_ppm: number; current_calibration_ppm: number }>(
        `/api/packs/${pack}/calibrate`, b.body);
      const ppm = kind === 'voltage' ? r.voltage_calibration_ppm : r.current_calibration_ppm;
      return `Calibrated: factor ${(ppm / 1e6).toFixed(4)}`;
    }, loggedIn);
  };
  return h('fieldset', { class: 'card group', id: 'group-calibration' }, h('legend', {}, 'Calibration'),
    h('p', { class: 'label' }, 'Measure with a meter at the battery terminals and enter what it shows; the board scales its readings to match.'),
    row('voltage', 'Calibrating Volt.', 'V'), row('current', 'Calibrating Curr.', 'A'));
}

interface DeviceInfo {
  model: string;
  hw_version: string;
  sw_version: string;
  serial_number: string;
  device_name: string;
  manufacturing_date: string;
}

export async function devicePage(pack: string, loggedIn: boolean, view: HTMLElement): Promise<void> {
  let info: DeviceInfo | undefined;
  try {
    info = await get<DeviceInfo>(`/api/packs/${pack}/device`);
  } catch (e) {
    view.replaceChildren(h('p', { id: 'device-missing' }, `This pack reports no identity (${message(e)}).`));
    return;
  }
  const name = h('input', { id: 'device-name', type: 'text', maxlength: 16, value: info.device_name, size: 16 }) as HTMLInputElement;
  const which = h('select', { id: 'password-which' },
    h('option', { value: 'settings' }, 'Settings password'), h('option', { value: 'connection' }, 'Connection password')) as HTMLSelectElement;
  const secret = (id: string, label: string) => h('input', { id, type: 'password', autocomplete: 'new-password', 'aria-label': label, placeholder: label }) as HTMLInputElement;
  const old = secret('password-old', 'current password');
  const fresh = secret('password-new', 'new password');
  const repeat = secret('password-repeat', 'new password again');
  const confirm = h('input', { type: 'checkbox', id: 'confirm-reset-counters' }) as HTMLInputElement;
  view.replaceChildren(
    h('section', { class: 'card', id: 'device-info' }, h('h3', {}, 'Device'),
      field('Model', info.model, 'device-model'), field('Hardware', info.hw_version), field('Software', info.sw_version),
      field('Serial number', info.serial_number, 'device-serial'), field('Manufactured', info.manufacturing_date),
      field('Device name', info.device_name, 'device-name-shown')),
    h('section', { class: 'card group' }, h('h3', {}, 'Device name'),
      action('device-name-set', 'Name (1 to 16 letters and digits)', name, 'Set', async () => {
        await post(`/api/packs/${pack}/device-name`, { name: name.value });
        return `Named ${name.value}`;
      }, loggedIn)),
    h('section', { class: 'card group' }, h('h3', {}, 'Passwords'),
      h('div', { class: 'stack-inputs' }, which, old, fresh, repeat),
      action('password-set', 'Change', h('span'), 'Change password', async () => {
        const b = passwordBody(which.value, old.value, fresh.value, repeat.value);
        if ('error' in b) throw new Error(b.error);
        await post(`/api/packs/${pack}/password`, b.body);
        [old, fresh, repeat].forEach((i) => (i.value = ''));
        return `The ${which.value} password is changed`;
      }, loggedIn)),
    h('section', { class: 'card group' }, h('h3', {}, 'Counters'),
      h('p', { class: 'label' }, 'Sets cycles, cycle capacity and the charged and discharged energy to 0, and the full capacity back to the design capacity.'),
      h('label', {}, confirm, ' I want to reset the counters'),
      action('reset-counters', 'Reset', h('span'), 'Reset counters', async () => {
        if (!confirm.checked) throw new Error('tick the box first');
        await post(`/api/packs/${pack}/reset-counters`, { confirm: true });
        confirm.checked = false;
        return 'Counters reset';
      }, loggedIn)),
    loggedIn ? h('span') : h('p', {}, 'Log in with the settings password to change these.'));
}
