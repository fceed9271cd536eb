// The softbms JSON API (docs/web.md). Writes carry the CSRF token the login returned.
import type { LinkInfo } from './format';

let csrfToken = '';

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.error ?? `HTTP ${status}`));
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, json);
  return json as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => call<T>('PUT', path, body);

export interface SessionState {
  logged_in: boolean;
  open_reads: boolean;
  idle_timeout_s: number;
  csrf_token?: string;
  packs?: string[];
}

export async function session(): Promise<SessionState> {
  const s = await get<SessionState>('/api/session');
  csrfToken = s.csrf_token ?? '';
  return s;
}

export async function login(password: string): Promise<SessionState> {
  const r = await post<{ csrf_token: string; packs: string[]; idle_timeout_s: number }>('/api/login', { password });
  csrfToken = r.csrf_token;
  return { logged_in: true, open_reads: true, idle_timeout_s: r.idle_timeout_s, csrf_token: r.csrf_token, packs: r.packs };
}

export async function logout(): Promise<void> {
  await post('/api/logout', {});
  csrfToken = '';
}

export interface PackSummary {
  id: string;
  name: string;
  model: string;
  chemistry: string;
  cell_count: number;
}

export interface ParamInfo {
  name: string;
  unit: string;
  min: number;
  max: number;
  defaults: Record<string, number>;
  description: string;
  switch?: boolean;
  read_only?: boolean; // set by calibration or the DIP switches, never by the form
  per_cell_default?: boolean;
}

// The snapshot as host/text/snapshot_json.cpp writes it (the fields the pages use).
export interface Snapshot {
  voltage: number;
  current: number;
  power: number;
  soc: number;
  remaining_ah: number;
  full_capacity_ah: number;
  design_capacity_ah: number;
  cycles: number;
  cycle_capacity_ah: number;
  soh: number;
  soc_method: string; // "coulomb" or "model"
  soc_coulomb_permille: number;
  soc_model_permille: number;
  soc_model_sigma_permille?: number; // the model's doubt about soc_model_permille, one sigma
  model_resistance_mohm: number;
  model_capacity_ah: number;
  model_soh?: number; // the estimator's SOH in %, where the core reports it
  link?: LinkInfo; // how old a real board's values are (softbms monitor)
  runtime_s: number;
  cells: { index: number; voltage: number; wire_resistance_ohm: number; wire_alarm: boolean }[];
  cell_avg: number;
  cell_delta: number;
  cell_min: number;
  cell_max: number;
  cell_min_index: number;
  cell_max_index: number;
  temperatures: Record<string, number | null>;
  charge_fet: boolean;
  discharge_fet: boolean;
  balancing: string;
  balance_current: number;
  balance_source: number | null;
  balance_sink: number | null;
  heater: boolean;
  alarms: string[];
  emergency_remaining_s: number;
  power_state: string;
  charge_stage: string;
}
