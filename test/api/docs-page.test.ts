/**
 * The docs page as an integrator sees it: headless Chromium (Debian's chromium package, installed
 * by .ci/run) opens /docs of the local runner and finds every operation of the document listed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useApi } from '../support/api-client.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const api = useApi();
let browser: Browser | undefined;
afterAll(async () => browser?.close());

describe('docs page', () => {
  it('serves the contract as JSON without a token', async () => {
    const response = await fetch(`${api.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const spec = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual([
      '/meetings',
      '/meetings/batch',
      '/meetings/changes',
      '/meetings/{meetingId}',
      '/meetings/{meetingId}/history',
      '/subscriptions',
      '/subscriptions/{subscriptionId}',
      '/calendar-feeds',
      '/calendar-feeds/{feedId}',
      '/calendars/{calendarFile}',
      '/privacy/erasures',
      '/privacy/erasures/{erasureId}',
      '/privacy/exports',
    ]);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'lists every operation in a real browser',
    async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${api.baseUrl}/docs`);
      const summaries = [
        'Create a new meeting',
        'Search meetings',
        'Get details of a meeting',
        'Update a meeting',
        'Delete a meeting',
      ];
      for (const summary of summaries)
        await page.getByRole('heading', { name: summary }).first().waitFor({ timeout: 20_000 });
      const text = await page.locator('body').innerText();
      for (const summary of summaries) expect(text).toContain(summary);
      expect(errors).toEqual([]);
    },
    60_000,
  );
});
