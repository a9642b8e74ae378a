import { createHash } from 'node:crypto';
import type { AlertInput, AlertmanagerBody, GenericAlert } from './alert.schemas';
import type { AlertService } from './alert.service';

export interface IntakeItem {
  status: 'firing' | 'resolved';
  alert: AlertInput;
}
export interface IntakeResult {
  key: string;
  status: 'firing' | 'resolved';
  outcome: string;
  incidentId: number | null;
  ticketId: number | null;
}

const SEVERITY_ALIASES: Record<string, AlertInput['severity']> = {
  critical: 'critical',
  page: 'critical',
  error: 'critical',
  high: 'critical',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  none: 'info',
};

const validDate = (s: string): Date | undefined => {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) || d.getFullYear() < 2000 ? undefined : d;
};

/** A generic alert: keyed by its own key, else by source and title. */
export function fromGeneric(a: GenericAlert): IntakeItem {
  return {
    status: a.status,
    alert: {
      key: `alert:${a.key ?? `${a.source}:${a.title}`}`.slice(0, 200),
      source: a.source,
      severity: a.severity,
      title: a.title,
      detail: a.detail,
      labels: a.labels ?? {},
    },
  };
}

/**
 * Alertmanager's grouped body → one item per alert, keyed by its fingerprint (stable for a label
 * set), or by a hash of the labels when an old sender leaves it out.
 */
export function fromAlertmanager(body: AlertmanagerBody): IntakeItem[] {
  return body.alerts.map((a) => {
    const labels = { ...body.commonLabels, ...a.labels };
    const annotations = { ...body.commonAnnotations, ...a.annotations };
    const fp =
      a.fingerprint ??
      createHash('sha1')
        .update(JSON.stringify(Object.entries(labels).sort()))
        .digest('hex')
        .slice(0, 16);
    const title = annotations.summary ?? annotations.title ?? labels.alertname ?? '未命名告警';
    const where = labels.instance ? `（${labels.instance}）` : '';
    const detail = [annotations.description ?? annotations.message ?? '', a.generatorURL ? `来源：${a.generatorURL}` : '']
      .filter(Boolean)
      .join('\n');
    return {
      status: a.status,
      alert: {
        key: `am:${fp}`,
        source: 'alertmanager',
        severity: SEVERITY_ALIASES[(labels.severity ?? '').toLowerCase()] ?? 'warning',
        title: `${title}${where}`.slice(0, 200),
        detail: detail.slice(0, 4000),
        labels,
        startedAt: validDate(a.startsAt),
      },
    };
  });
}

/** Applies the items in order (a group may fire one alert and resolve another). */
export async function ingestAlerts(alerts: AlertService, items: IntakeItem[]): Promise<{ received: number; results: IntakeResult[] }> {
  const results: IntakeResult[] = [];
  for (const it of items) {
    const r = it.status === 'firing' ? await alerts.raise(it.alert) : await alerts.resolve(it.alert.key);
    results.push({
      key: it.alert.key,
      status: it.status,
      outcome: r.outcome,
      incidentId: r.incident?.id ?? null,
      ticketId: r.incident?.ticketId ?? null,
    });
  }
  return { received: items.length, results };
}
