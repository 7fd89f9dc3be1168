import { jest } from '@jest/globals';
import { MonthlyReportJob } from './monthly-report.job.js';
import type { ReportMail, ReportMailer } from './report-mailer.js';
import type { ReportParty, ReportRepository } from './report.repository.js';
import type { ReportService } from './report.service.js';

const FK: ReportParty = { number: '2021005521', name: 'Försäkringskassan', reportAddress: 'uppfoljning@fk.example' };
const OREBRO: ReportParty = { number: '2120001967', name: 'Örebro kommun', reportAddress: null };

function setup(claimed: Set<string>, mail: (m: ReportMail) => Promise<boolean> = async () => true) {
  const calls: string[] = [];
  const repository = {
    parties: jest.fn(async () => [FK, OREBRO]),
    claim: jest.fn(async (organisation: string) => {
      if (claimed.has(organisation)) return false;
      claimed.add(organisation);
      return true;
    }),
    archive: jest.fn(async (organisation: string) => void calls.push(`archive ${organisation}`)),
    finish: jest.fn(
      async (organisation: string, _month: string, outcome: unknown) =>
        void calls.push(`finish ${organisation} ${JSON.stringify(outcome)}`),
    ),
    failed: jest.fn(
      async (organisation: string, _month: string, error: string) => void calls.push(`failed ${organisation} ${error}`),
    ),
  };
  const reports = {
    render: jest.fn(async (organisation: string, month: string, format: string) => ({
      filename: `manadsrapport-${month}-${organisation}.${format}`,
      contentType: format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8',
      body: format === 'pdf' ? Buffer.from('%PDF-') : '\uFEFFAvsnitt',
    })),
  };
  const mailer = { send: jest.fn(mail) };
  const job = new MonthlyReportJob(
    repository as unknown as ReportRepository,
    reports as unknown as ReportService,
    mailer as unknown as ReportMailer,
    { reportJobIntervalMs: 3_600_000 },
  );
  return { job, repository, reports, mailer, calls };
}

describe('MonthlyReportJob', () => {
  it('makes, archives and mails the report of every party it claims, mailing those with a report address', async () => {
    const t = setup(new Set());
    const run = await t.job.runFor('2026-11');
    expect(run).toEqual({ month: '2026-11', made: [FK.number, OREBRO.number], mailed: [FK.number], failed: [] });
    expect(t.mailer.send).toHaveBeenCalledTimes(1);
    expect(t.mailer.send.mock.calls[0]![0]).toMatchObject({
      to: FK.reportAddress,
      subject: 'Månadsrapport november 2026 – Försäkringskassan',
      attachments: [
        { filename: `manadsrapport-2026-11-${FK.number}.pdf`, contentType: 'application/pdf' },
        { filename: `manadsrapport-2026-11-${FK.number}.csv`, contentType: 'text/csv; charset=utf-8' },
      ],
    });
    expect(t.calls).toEqual([
      `archive ${FK.number}`,
      `finish ${FK.number} {"mailedTo":"${FK.reportAddress}","error":null}`,
      `archive ${OREBRO.number}`,
      `finish ${OREBRO.number} {"mailedTo":null,"error":null}`,
    ]);
  });

  it('leaves a party another instance has claimed alone: nothing made, nothing mailed', async () => {
    const t = setup(new Set([FK.number, OREBRO.number]));
    expect(await t.job.runFor('2026-11')).toMatchObject({ made: [], mailed: [] });
    expect(t.reports.render).not.toHaveBeenCalled();
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it('finishes a report whose mail failed with the error, so that it is not mailed twice', async () => {
    const t = setup(new Set([OREBRO.number]), async () => {
      throw new Error('connection refused');
    });
    expect(await t.job.runFor('2026-11')).toMatchObject({ made: [FK.number], mailed: [] });
    expect(t.calls).toEqual([
      `archive ${FK.number}`,
      `finish ${FK.number} {"mailedTo":null,"error":"mail: connection refused"}`,
    ]);
  });

  it('records a report that could not be made and goes on with the next party', async () => {
    const t = setup(new Set());
    t.reports.render.mockImplementationOnce(async () => {
      throw new Error('Chromium did not start');
    });
    const run = await t.job.runFor('2026-11');
    expect(run).toMatchObject({ made: [OREBRO.number], failed: [FK.number] });
    expect(t.calls[0]).toBe(`failed ${FK.number} Chromium did not start`);
  });

  it('runs for the month before the current Swedish one', async () => {
    const t = setup(new Set());
    // 23:30 UTC on 31 December is already January in Sweden
    expect((await t.job.run(new Date('2026-12-31T23:30:00Z'))).month).toBe('2026-12');
  });
});
