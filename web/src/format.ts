// How values read on the desk's pages: times in UTC, money in US dollars, the API's
// snake_case words as words.
import type { Severity, Status } from './api';
import { h } from './dom';

const kTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
  hour12: false,
});

/** "03 Dec 2026, 12:15:42 UTC" from milliseconds since 1970. */
export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return kTime.format(new Date(ms)) + ' UTC';
}

/** The same from protobuf's JSON timestamp ("2025-01-01T00:00:00Z"). */
export function timestamp(text: string | undefined): string {
  if (!text) return '—';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : time(ms);
}

const kUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
export function usd(amount: number | undefined): string {
  return amount === undefined ? '—' : kUsd.format(amount);
}

/** "in_review" -> "in review". */
export function words(text: string): string {
  return text.replaceAll('_', ' ');
}

/** 86400000 -> "24 h"; 0 or absent -> "". */
export function duration(ms: string | number | undefined): string {
  const value = Number(ms ?? 0);
  if (!value) return '';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    if (value % size === 0) {
      const count = value / size;
      return unit === 'd' && count <= 2 ? `${count * 24} h` : `${count} ${unit}`;
    }
  }
  return `${value} ms`;
}

export function severityBadge(severity: Severity): HTMLElement {
  return h('span', { class: `badge severity-${severity}` }, severity);
}

export function statusBadge(status: Status): HTMLElement {
  return h('span', { class: `badge status-${status}` }, words(status));
}
