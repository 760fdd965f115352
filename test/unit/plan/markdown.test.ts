import { describe, expect, it } from 'vitest';
import { formatPlanMarkdown } from '../../../src/plan/report/plan-markdown.js';
import { planSummaryRows } from '../../../src/plan/report/plan-summary-rows.js';
import { planFor } from '../../helpers/plan-fixture.js';
import { scenarioHostFindings, scenarioInventory, scenarioUsage } from './scenario.js';

describe('the plan for people', () => {
  it('renders the Markdown review report: summary first, a section per workload, then the keys', async () => {
    const plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    const md = formatPlanMarkdown(plan);
    expect(md.indexOf('## Summary')).toBeLessThan(md.indexOf('## app-worker'));
    expect(md.indexOf('## i-batch')).toBeLessThan(md.indexOf('## Keys'));
    await expect(md).toMatchFileSnapshot('./__snapshots__/plan.md');
  });

  it('gives plan show its rows as data', async () => {
    const plan = await planFor(scenarioInventory(), scenarioUsage(), {}, scenarioHostFindings());
    const rows = planSummaryRows(plan);
    expect(rows.workloads.rows.map((r) => [r.cells[0], r.status])).toEqual([
      ['app-worker', 'ready'],
      ['asg-web', 'ready'],
      ['i-batch', 'ready'],
    ]);
    expect(rows.keys.rows.map((r) => r.decision)).toEqual(['needs-confirmation', 'report-only', 'blocked', 'deactivate']);
  });
});
