import cds from '@sap/cds';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { once } from 'node:events';
import { Discrepancies, Settlements } from '#cds-models/lading';
import { csvHeader, csvRow, decimal, instant, type CsvColumn } from './csv';

/**
 * GET /finance/export/settlements.csv?from=YYYY-MM-DD&to=YYYY-MM-DD (lines of invoices dated in the
 * period) and /finance/export/discrepancies.csv (reconciliation discrepancies first seen in it).
 * Streamed page by page (keyset on the row id, PAGE_SIZE rows per query), never the whole table,
 * waiting for the client to drain. Role finance: 401 anonymous, 403 others.
 */

export const EXPORT_PATH = '/finance/export';
const PAGE_SIZE = 500;
const log = cds.log('settlement');

type Row = Record<string, unknown>;

const SETTLEMENT_COLUMNS: readonly CsvColumn<Row>[] = [
  { header: 'invoiceNumber', value: (row) => row.invoiceNumber as string },
  { header: 'invoiceDate', value: (row) => row.invoiceDate as string },
  { header: 'lineNumber', value: (row) => row.lineNumber as string },
  { header: 'shipmentId', value: (row) => row.shipment_ID as string },
  { header: 'deliveryItem', value: (row) => row.deliveryItem as string },
  { header: 'status', value: (row) => row.status as string },
  { header: 'reasonCode', value: (row) => row.reasonCode as string },
  { header: 'reason', value: (row) => row.reason as string },
  { header: 'currency', value: (row) => row.currency as string },
  { header: 'unit', value: (row) => row.unit as string },
  { header: 'invoicedQuantity', value: (row) => decimal(row.invoicedQuantity), decimals: 3 },
  { header: 'deliveredQuantity', value: (row) => decimal(row.deliveredQuantity), decimals: 3 },
  { header: 'podQuantity', value: (row) => decimal(row.podQuantity), decimals: 3 },
  { header: 'invoicedAmount', value: (row) => decimal(row.invoicedAmount), decimals: 2 },
  { header: 'computedAmount', value: (row) => decimal(row.computedAmount), decimals: 2 },
  { header: 'acceptedAmount', value: (row) => decimal(row.acceptedAmount), decimals: 2 },
  { header: 'differenceAmount', value: (row) => decimal(row.differenceAmount), decimals: 2 },
  { header: 'lifecycle', value: (row) => row.lifecycle as string },
  { header: 'comment', value: (row) => row.comment as string },
  { header: 'acknowledgedBy', value: (row) => row.acknowledgedBy as string },
  { header: 'acknowledgedAt', value: (row) => instant(row.acknowledgedAt) },
  { header: 'computedAt', value: (row) => instant(row.computedAt) },
];

const DISCREPANCY_COLUMNS: readonly CsvColumn<Row>[] = [
  { header: 'shipmentId', value: (row) => row.shipmentId as string },
  { header: 'kind', value: (row) => row.kind as string },
  { header: 'field', value: (row) => row.field as string },
  { header: 'erpValue', value: (row) => row.erpValue as string },
  { header: 'receivedValue', value: (row) => row.receivedValue as string },
  { header: 'ledgerValue', value: (row) => row.ledgerValue as string },
  { header: 'status', value: (row) => row.status as string },
  { header: 'comment', value: (row) => row.comment as string },
  { header: 'firstSeenAt', value: (row) => instant(row.firstSeenAt) },
  { header: 'changedAt', value: (row) => instant(row.changedAt) },
  { header: 'changedBy', value: (row) => row.changedBy as string },
];

export interface Period {
  from: string;
  to: string;
}

/** from and to as calendar dates, from ≤ to; the reason otherwise. */
export function periodOf(query: Record<string, unknown>): Period | string {
  const dates: string[] = [];
  for (const name of ['from', 'to']) {
    const value = query[name];
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${name} must be a date YYYY-MM-DD`;
    const parsed = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) return `${name} "${value}" is not a calendar date`;
    dates.push(value);
  }
  const [from, to] = dates as [string, string];
  return from <= to ? { from, to } : `from ${from} is after to ${to}`;
}

/** The day after, as the exclusive end of a period of timestamps. */
function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();
}

type PageReader = (afterId: string | undefined) => Promise<Row[]>;

function settlementPages(period: Period): PageReader {
  return async (afterId) => {
    const query = SELECT.from(Settlements)
      .columns('ID', 'invoice.invoiceNumber as invoiceNumber', 'invoice.invoiceDate as invoiceDate', 'lineNumber', 'shipment_ID', 'deliveryItem',
        'status', 'reasonCode', 'reason', 'currency', 'unit', 'invoicedQuantity', 'deliveredQuantity', 'podQuantity', 'invoicedAmount',
        'computedAmount', 'acceptedAmount', 'differenceAmount', 'lifecycle', 'comment', 'acknowledgedBy', 'acknowledgedAt', 'computedAt')
      .where({ 'invoice.invoiceDate': { between: period.from, and: period.to } })
      .orderBy('ID')
      .limit(PAGE_SIZE);
    if (afterId !== undefined) query.where({ ID: { '>': afterId } });
    return (await query) as Row[];
  };
}

function discrepancyPages(period: Period): PageReader {
  return async (afterId) => {
    const query = SELECT.from(Discrepancies)
      .where('firstSeenAt >=', `${period.from}T00:00:00.000Z`, 'and firstSeenAt <', dayAfter(period.to))
      .orderBy('ID')
      .limit(PAGE_SIZE);
    if (afterId !== undefined) query.where({ ID: { '>': afterId } });
    return (await query) as Row[];
  };
}

async function stream(response: Response, filename: string, columns: readonly CsvColumn<Row>[], pages: PageReader): Promise<void> {
  response.status(200);
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  response.write(csvHeader(columns));
  let afterId: string | undefined;
  for (;;) {
    const rows = await pages(afterId);
    for (const row of rows) {
      if (!response.write(csvRow(columns, row))) await once(response, 'drain');
    }
    if (rows.length < PAGE_SIZE) break;
    afterId = rows[rows.length - 1]?.ID as string;
  }
  response.end();
}

function unauthenticated(response: Response): void {
  response.setHeader('WWW-Authenticate', 'Basic realm="Lading"');
  response.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'Authentication required' } });
}

function requireFinance(_request: Request, response: Response, next: NextFunction): void {
  const user = cds.context?.user;
  if (!user || user.is('authenticated-user') === false) return unauthenticated(response);
  if (!user.is('finance')) {
    response.status(403).json({ error: { code: 'FORBIDDEN', message: `User ${user.id} lacks the finance role` } });
    return;
  }
  next();
}

/** CAP's error middleware is not on custom routes: bad credentials and failures are answered here. */
function exportErrors(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) {
    log.error('CSV export failed while streaming:', (error as Error).message);
    response.destroy(error as Error);
    return;
  }
  const status = (error as { statusCode?: number; status?: number }).statusCode ?? (error as { status?: number }).status;
  if (status === 401) return unauthenticated(response);
  if (status === 403) {
    response.status(403).json({ error: { code: 'FORBIDDEN', message: 'Forbidden' } });
    return;
  }
  log.error('CSV export failed:', (error as Error).message);
  response.status(500).json({ error: { code: 'INTERNAL', message: 'The export failed' } });
  void next;
}

function exportRoute(filename: string, columns: readonly CsvColumn<Row>[], pages: (period: Period) => PageReader) {
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const period = periodOf(request.query as Record<string, unknown>);
    if (typeof period === 'string') {
      response.status(400).json({ error: { code: 'INVALID_PERIOD', message: period } });
      return;
    }
    try {
      await stream(response, filename.replace('{from}', period.from).replace('{to}', period.to), columns, pages(period));
    } catch (error) {
      next(error);
    }
  };
}

export function financeExportRoutes(): express.Router {
  const router = express.Router();
  router.use(EXPORT_PATH, ...cds.middlewares.before, requireFinance);
  router.get(`${EXPORT_PATH}/settlements.csv`, exportRoute('settlements-{from}-{to}.csv', SETTLEMENT_COLUMNS, settlementPages));
  router.get(`${EXPORT_PATH}/discrepancies.csv`, exportRoute('discrepancies-{from}-{to}.csv', DISCREPANCY_COLUMNS, discrepancyPages));
  router.use(EXPORT_PATH, exportErrors);
  return router;
}
