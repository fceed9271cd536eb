// How the settings form groups and labels the parameters of GET /api/params: the groups and
// short labels follow the JK phone app's parameter page (cell voltages, currents, temperatures,
// balance, ...), and values are shown in the app's units (V, A, Ah) while the API keeps the
// settings table's integer units (mV, mA, mAh). No DOM here, so vitest checks it.
import type { ParamInfo } from './api';

export interface ParamLabel {
  group: string;
  label: string;
}

// The form's groups in the order the page shows them.
export const GROUPS = [
  'Battery',
  'Cell voltage protection',
  'Charge current protection',
  'Discharge current protection',
  'Short circuit',
  'Temperature protection',
  'Balance',
  'Pack voltage protection',
  'Inverter charging',
  'SOC',
  'Heating',
  'Functions',
  'Alarm outputs',
  'Other',
] as const;

// One line per parameter: name -> [group, label as the JK app writes it]; a parameter the app
// does not have gets a plain label. Names not listed land in 'Other' with their own name.
const LABELS: Record<string, [string, string]> = {
  cell_count: ['Battery', 'Cell Count'],
  design_capacity: ['Battery', 'Battery Capacity'],
  wire_resistance_alarm: ['Battery', 'Balance wire resistance alarm'],
  precharge_time: ['Battery', 'Precharge time'],
  voltage_calibration: ['Battery', 'Voltage calibration factor'],
  current_calibration: ['Battery', 'Current calibration factor'],
  device_address: ['Battery', 'Device address'],
  cell_ovp: ['Cell voltage protection', 'Cell OVP'],
  cell_ovpr: ['Cell voltage protection', 'Cell OVPR'],
  cell_uvp: ['Cell voltage protection', 'Cell UVP'],
  cell_uvpr: ['Cell voltage protection', 'Cell UVPR'],
  power_off_voltage: ['Cell voltage protection', 'Power Off Vol.'],
  cell_ovp_delay: ['Cell voltage protection', 'Cell OVP delay'],
  cell_uvp_delay: ['Cell voltage protection', 'Cell UVP delay'],
  smart_sleep_voltage: ['Cell voltage protection', 'Smart Sleep Vol.'],
  charge_ocp_current: ['Charge current protection', 'Max Charge Curr.'],
  charge_ocp_delay: ['Charge current protection', 'Charge OCP Delay'],
  charge_ocp_release: ['Charge current protection', 'Charge OCPR Time'],
  discharge_ocp_current: ['Discharge current protection', 'Max Discharge Curr.'],
  discharge_ocp_delay: ['Discharge current protection', 'Discharge OCP Delay'],
  discharge_ocp_release: ['Discharge current protection', 'Discharge OCPR Time'],
  discharge_ocp2_enabled: ['Discharge current protection', 'Discharge OCP stage II'],
  discharge_ocp2_current: ['Discharge current protection', 'Discharge OCP II Curr.'],
  discharge_ocp2_delay: ['Discharge current protection', 'Discharge OCP II Delay'],
  discharge_ocp3_enabled: ['Discharge current protection', 'Discharge OCP stage III'],
  discharge_ocp3_current: ['Discharge current protection', 'Discharge OCP III Curr.'],
  discharge_ocp3_delay: ['Discharge current protection', 'Discharge OCP III Delay'],
  scp_delay: ['Short circuit', 'SCP Delay'],
  scp_release: ['Short circuit', 'SCPR Time'],
  charge_otp: ['Temperature protection', 'Charge OTP'],
  charge_otpr: ['Temperature protection', 'Charge OTPR'],
  charge_utp: ['Temperature protection', 'Charge UTP'],
  charge_utpr: ['Temperature protection', 'Charge UTPR'],
  discharge_otp: ['Temperature protection', 'Discharge OTP'],
  discharge_otpr: ['Temperature protection', 'Discharge OTPR'],
  discharge_utp: ['Temperature protection', 'Discharge UTP'],
  discharge_utpr: ['Temperature protection', 'Discharge UTPR'],
  mos_otp: ['Temperature protection', 'MOS OTP'],
  mos_otpr: ['Temperature protection', 'MOS OTPR'],
  temp_protection_delay: ['Temperature protection', 'Temperature protection delay'],
  disable_temp_sensors: ['Temperature protection', 'Disable temp. sensors'],
  balance_trigger_delta: ['Balance', 'Balance Trig. Volt.'],
  start_balance_voltage: ['Balance', 'Start Balance Vol.'],
  max_balance_current: ['Balance', 'Max Balance Cur.'],
  balance_mode: ['Balance', 'Balance only at low current'],
  balance_window_current: ['Balance', 'Balance current window'],
  pack_ovp: ['Pack voltage protection', 'Battery OVP'],
  pack_ovpr: ['Pack voltage protection', 'Battery OVPR'],
  pack_uvp: ['Pack voltage protection', 'Battery UVP'],
  pack_uvpr: ['Pack voltage protection', 'Battery UVPR'],
  request_charge_voltage: ['Inverter charging', 'RCV (request charge vol.)'],
  request_float_voltage: ['Inverter charging', 'RFV (request float vol.)'],
  rcv_time: ['Inverter charging', 'RCV Time'],
  rfv_time: ['Inverter charging', 'RFV Time'],
  rebulk_soc: ['Inverter charging', 'Re-bulk SOC'],
  float_mode: ['Inverter charging', 'Charge float mode'],
  special_charger: ['Inverter charging', 'Special charger'],
  soc_100_voltage: ['SOC', 'SOC-100% Vol.'],
  soc_0_voltage: ['SOC', 'SOC-0% Vol.'],
  soc_method: ['SOC', 'SOC from the model estimator'],
  heating_start_temp: ['Heating', 'Heating start temp.'],
  heating_stop_temp: ['Heating', 'Heating stop temp.'],
  smart_sleep_enabled: ['Functions', 'Smart sleep'],
  smart_sleep_hours: ['Functions', 'Smart sleep time'],
  display_always_on: ['Functions', 'Display always on'],
  disable_pcl: ['Functions', 'Disable PCL module'],
  emergency_minutes: ['Functions', 'Emergency time'],
  dry_contact_intermittent: ['Alarm outputs', 'Dry contacts pulse'],
  buzzer_alarm_mask: ['Alarm outputs', 'Buzzer alarm bits'],
  dry1_alarm_mask: ['Alarm outputs', 'Dry contact 1 alarm bits'],
  dry2_alarm_mask: ['Alarm outputs', 'Dry contact 2 alarm bits'],
};

export function paramLabel(name: string): ParamLabel {
  const l = LABELS[name];
  return l ? { group: l[0], label: l[1] } : { group: 'Other', label: name.replace(/_/g, ' ') };
}

/** The parameters in the form's groups, in GROUPS order; empty groups left out. */
export function groupParams(params: ParamInfo[]): { group: string; params: ParamInfo[] }[] {
  const by = new Map<string, ParamInfo[]>();
  for (const p of params) {
    const g = paramLabel(p.name).group;
    by.set(g, [...(by.get(g) ?? []), p]);
  }
  return GROUPS.filter((g) => by.has(g)).map((g) => ({ group: g, params: by.get(g)! }));
}

// The app's unit for a table unit, with the factor and the decimals it needs to stay exact.
const DISPLAY: Record<string, { unit: string; factor: number; decimals: number }> = {
  mV: { unit: 'V', factor: 1000, decimals: 3 },
  mA: { unit: 'A', factor: 1000, decimals: 3 },
  mAh: { unit: 'Ah', factor: 1000, decimals: 3 },
  mOhm: { unit: 'mΩ', factor: 1, decimals: 0 },
};

// Why a read-only parameter cannot be typed in.
const READ_ONLY_WHY: Record<string, string> = {
  voltage_calibration: 'set by a voltage calibration',
  current_calibration: 'set by a current calibration',
  device_address: 'set by the DIP switches',
  mos_otp: 'a factory value',
  mos_otpr: 'a factory value',
};
export function readOnlyWhy(name: string): string {
  return READ_ONLY_WHY[name] ?? 'read only';
}

export function displayUnit(p: ParamInfo): string {
  return DISPLAY[p.unit]?.unit ?? p.unit;
}

/** The value as the form shows it: 3600 mV -> "3.6" (V), 100000 mA -> "100" (A). */
export function toDisplay(p: ParamInfo, value: number): string {
  const d = DISPLAY[p.unit];
  if (!d) return String(value);
  return String(Number((value / d.factor).toFixed(d.decimals)));
}

/** The text typed in the form back in the API's unit, or a message saying what is wrong. */
export function fromDisplay(p: ParamInfo, text: string): { value: number } | { error: string } {
  const t = text.trim().replace(',', '.');
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) return { error: `${paramLabel(p.name).label}: '${text}' is not a number` };
  const d = DISPLAY[p.unit];
  if (!d) return { value: n };
  const decimals = t.includes('.') ? t.length - t.indexOf('.') - 1 : 0;
  if (decimals > d.decimals)
    return { error: `${paramLabel(p.name).label}: at most ${d.decimals} decimals in ${d.unit}` };
  return { value: Math.round(n * d.factor) };
}

/** "1.000 to 5.000 V": the model's range in the form's unit. */
export function rangeText(p: ParamInfo): string {
  const d = DISPLAY[p.unit];
  const unit = displayUnit(p);
  const show = (v: number) => (d ? (v / d.factor).toFixed(d.decimals) : String(v));
  return `${show(p.min)} to ${show(p.max)}${unit ? ' ' + unit : ''}`;
}
